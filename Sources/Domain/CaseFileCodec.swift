import Foundation

/// The canonical encoding of a case file: pretty-printed, keys sorted, so that export, import and
/// export again give the same bytes.
public enum CaseFileCodec {
    public static func encode(_ file: CaseFile) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(file)
        data.append(0x0A)
        return data
    }
}
