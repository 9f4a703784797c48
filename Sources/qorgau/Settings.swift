import Foundation

/// Qorgau's settings come from the environment (README, "Configuration"). Before any is read:
/// a `.env` file (`QORGAU_ENV_FILE`, default `.env` in the working directory) fills in those the
/// environment does not set, and a secret may be given as a file (`DATABASE_URL_FILE`,
/// `QORGAU_SMTP_PASSWORD_FILE`, …: the file's content, for Docker and systemd credentials).
enum Settings {
    /// The secrets that may be given as `NAME_FILE` (the keys have their own `*_KEY_FILE`).
    static let secrets = ["DATABASE_URL", "QORGAU_SMTP_USERNAME", "QORGAU_SMTP_PASSWORD", "QORGAU_WEBHOOK_SECRET",
                          "QORGAU_WEBHOOK_URL", "QORGAU_SMS_URL", "QORGAU_METRICS_TOKEN"]

    static func prepare() throws {
        let environment = ProcessInfo.processInfo.environment
        let envFile = environment["QORGAU_ENV_FILE"] ?? ".env"
        if let data = FileManager.default.contents(atPath: envFile) {
            for (name, value) in try parse(String(decoding: data, as: UTF8.self), file: envFile) where environment[name] == nil {
                setenv(name, value, 0)
            }
        } else if environment["QORGAU_ENV_FILE"] != nil {
            throw CommandFailure("QORGAU_ENV_FILE names \(envFile), which cannot be read")
        }
        let now = ProcessInfo.processInfo.environment
        for name in secrets {
            guard let path = now[name + "_FILE"], !path.isEmpty else { continue }
            guard now[name] == nil else { throw CommandFailure("both \(name) and \(name)_FILE are set: give one") }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure("\(name)_FILE names \(path), which cannot be read")
            }
            setenv(name, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines), 1)
        }
    }

    /// `NAME=value` lines; `#` comments and blank lines skipped; `export ` allowed; a value may be
    /// in single or double quotes.
    static func parse(_ text: String, file: String) throws -> [(String, String)] {
        var settings: [(String, String)] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line.removeFirst(7) }
            guard let equals = line.firstIndex(of: "=") else { throw CommandFailure("\(file):\(number + 1): expected NAME=value") }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !(name.first?.isNumber ?? true) else {
                throw CommandFailure("\(file):\(number + 1): \"\(name)\" is not a setting's name")
            }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            settings.append((name, value))
        }
        return settings
    }
}
