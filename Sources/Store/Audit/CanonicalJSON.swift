/// The canonical JSON of a flat record: keys sorted, no spaces, strings escaped per RFC 8259
/// with the fewest escapes, integers as digits. The audit chain hashes this text, so it must
/// never change: a verifier in any language can rebuild it from the stored columns.
enum CanonicalJSON {
    enum Value {
        case string(String)
        case integer(Int64)
    }

    static func object(_ fields: [(String, Value?)]) -> String {
        var out = "{"
        var first = true
        for (key, value) in fields.sorted(by: { $0.0 < $1.0 }) {
            guard let value else { continue }
            if !first { out.append(",") }
            first = false
            appendString(key, to: &out)
            out.append(":")
            switch value {
            case .string(let text): appendString(text, to: &out)
            case .integer(let number): out.append(String(number))
            }
        }
        out.append("}")
        return out
    }

    private static func appendString(_ text: String, to out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }
}
