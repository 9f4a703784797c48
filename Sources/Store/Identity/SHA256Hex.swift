import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, the one form every hash in Qorgau is written in (tokens,
/// audit records, rows, evidence files, tracks).
public enum SHA256Hex {
    public static func of(_ text: String) -> String { of(Array(text.utf8)) }

    public static func of<D: DataProtocol>(_ bytes: D) -> String { hex(SHA256.hash(data: bytes)) }

    public static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
