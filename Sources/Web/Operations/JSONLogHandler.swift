import Foundation
import Logging
import Store

/// One JSON object a line on standard output (where Vapor writes its text log), for a log collector (journald, Loki, Elasticsearch):
/// the time (UTC, milliseconds), the level, the logger's label, the message, and the metadata as
/// fields (a request's lines carry its `request-id`). What Qorgau logs never holds a victim's name,
/// address or position; this only changes how it is written.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let label: String
    /// Where each line goes: standard output, or a test's capture.
    let write: @Sendable (Data) -> Void

    init(label: String, level: Logger.Level, write: @escaping @Sendable (Data) -> Void = JSONLogHandler.standardOutput) {
        self.label = label; self.logLevel = level; self.write = write
    }

    static func standardOutput(_ line: Data) { lock.withLock { FileHandle.standardOutput.write(line) } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
             source: String, file: String, function: String, line: UInt) {
        var fields: [String: Any] = [:]
        for (key, value) in metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) { fields[key] = Self.plain(value) }
        fields["time"] = Self.time.string(from: Date())
        fields["level"] = level.rawValue
        fields["logger"] = label
        fields["message"] = message.description
        if level >= .error { fields["source"] = "\(source) \((file as NSString).lastPathComponent):\(line)" }
        guard var data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        write(data)
    }

    private static let lock = NSLock()
    /// RFC 3339 in UTC with milliseconds (ISO8601DateFormatter is thread-safe).
    nonisolated(unsafe) private static let time: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()

    private static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(plain)
        case .dictionary(let values): values.mapValues(plain)
        }
    }
}

/// How the server writes its log (`QORGAU_LOG_FORMAT`): `json` lines, or `text` for a person at a
/// terminal. Unset: text on a terminal, JSON otherwise (a service, a container).
public enum LogFormat: String, Sendable, CaseIterable {
    case json, text

    static func fromEnvironment(_ env: [String: String]) throws -> LogFormat {
        guard let raw = env["QORGAU_LOG_FORMAT"] else { return isatty(STDERR_FILENO) == 1 ? .text : .json }
        guard let format = LogFormat(rawValue: raw) else {
            throw ConfigurationError("QORGAU_LOG_FORMAT must be json or text; got \"\(raw)\"")
        }
        return format
    }
}
