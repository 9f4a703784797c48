/// The canonical JSON of a flat record: keys sorted, no spaces, strings escaped per RFC 8259
/// with the fewest escapes (`"`, `\` and control characters; everything else as its UTF-8
/// bytes), integers as digits, absent fields left out. The audit chain hashes this text, so it
/// must never change: a verifier in any language can rebuild it from the stored columns.
enum CanonicalJSON {
    enum Value {
        case string(String)
        case integer(Int64)
    }

    /// The canonical text as UTF-8 bytes: what is hashed, built without intermediate strings.
    /// `fields` come with their keys already in order (a record's fields are fixed, so callers
    /// list them sorted once rather than every record sorting them again).
    static func bytes(_ fields: [(String, Value?)]) -> [UInt8] {
        assert(zip(fields, fields.dropFirst()).allSatisfy { $0.0 < $1.0 }, "canonical keys must be given in order")
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in fields {
            guard let value else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            append(key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch value {
            case .string(let text): append(text, to: &out)
            case .integer(let number): out.append(contentsOf: String(number).utf8)
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
