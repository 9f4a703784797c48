import Foundation

/// JSON text columns: small nested values (lists of impacts, conditions) stored as one string,
/// which both SQLite and PostgreSQL hold the same way.
enum JSONColumn {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A list of vocabulary words (plain ASCII identifiers) as a JSON array, without an encoder.
    static func words<V: RawRepresentable>(_ values: [V]) -> String where V.RawValue == String {
        "[" + values.map { "\"" + $0.rawValue + "\"" }.joined(separator: ",") + "]"
    }

    static func encodeOptional<T: Encodable>(_ value: T?) throws -> String? {
        try value.map { try encode($0) }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    static func decodeOptional<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        try text.map { try decode(T.self, $0) }
    }
}
