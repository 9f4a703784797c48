import Foundation

extension UUID {
    /// Ids as Qorgau writes them (the API, the audit chain, the command line): lowercase, as
    /// RFC 9562 recommends.
    public var apiString: String { text(Self.lowerDigits) }

    /// `uuidString` (uppercase, as `JSONEncoder` and the SQL drivers write a `UUID`), written here
    /// rather than by the C library's formatted printing: an import writes millions of ids, and
    /// `uuidString` cost it a few percent.
    public var upperString: String { text(Self.upperDigits) }

    private static let lowerDigits = Array("0123456789abcdef".utf8), upperDigits = Array("0123456789ABCDEF".utf8)

    private func text(_ digits: [UInt8]) -> String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var at = 0
                for (n, byte) in bytes.enumerated() {
                    if n == 4 || n == 6 || n == 8 || n == 10 { out[at] = UInt8(ascii: "-"); at += 1 }
                    out[at] = digits[Int(byte >> 4)]
                    out[at + 1] = digits[Int(byte & 0x0F)]
                    at += 2
                }
                return at
            }
        }
    }
}
