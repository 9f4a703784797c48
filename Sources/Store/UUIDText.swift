import Foundation

extension UUID {
    /// The upper-case canonical text, as `uuidString` gives it, written directly.
    var canonicalText: String { text(digits: Self.upperDigits) }

    /// The lower-case canonical text.
    var lowercaseText: String { text(digits: Self.lowerDigits) }

    private static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    private static let lowerDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private func text(digits: [UInt8]) -> String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for (i, byte) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                    out[o] = digits[Int(byte >> 4)]; out[o + 1] = digits[Int(byte & 0x0F)]; o += 2
                }
                return o
            }
        }
    }
}
