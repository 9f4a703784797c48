import Cases
import Crypto
import Foundation
import Domain
import Store
import Vapor

/// The server's settings, read once from the environment with command-line flags over them.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseLocation
    public var migrate: Bool
    /// Largest request body accepted, in bytes; larger bodies get 413.
    public var maxBodyBytes: Int
    /// Largest case file accepted by `POST /api/v1/case-files`, in bytes.
    public var maxCaseFileBytes: Int
    public var logLevel: Logger.Level
    /// bcrypt's work factor for passwords (`QORGAU_BCRYPT_COST`, 10-16, default 12); tests use less.
    public var bcryptCost: Int = 12
    /// Mark session cookies Secure even when the request does not show TLS (`QORGAU_SECURE_COOKIES=1`),
    /// for a deployment behind a proxy that does not send X-Forwarded-Proto.
    public var secureCookies = false
    /// How often the monitoring sweep looks for silent devices and unacknowledged alerts
    /// (`QORGAU_MONITORING_SWEEP_SECONDS`, default 5; 0 turns it off, as tests do).
    public var monitoringSweepSeconds: Double = 5
    /// An alert unacknowledged this long is escalated (`QORGAU_ALERT_ESCALATION_SECONDS`, default 300).
    public var alertEscalationSeconds: Double = 300
    /// Where evidence files are kept, sealed with their key (`QORGAU_EVIDENCE_DIR`, default
    /// `evidence` in the data folder; the key from `QORGAU_EVIDENCE_KEY` or the key file). Nil
    /// gives a throwaway store in a temporary folder, as tests use.
    public var evidence: BlobStore?
    /// The key dossiers are signed with (`QORGAU_SIGNING_KEY` or `signing.key` in the data folder);
    /// nil gives a throwaway key, as tests use.
    public var dossierSigner: DossierSigningKey?
    /// Largest evidence file accepted (`QORGAU_EVIDENCE_MAX_BYTES`, default 2 GiB).
    public var maxEvidenceBytes: Int64 = 2 << 30
    /// Where the quick-exit button of the victim's pages leads (`QORGAU_QUICK_EXIT_URL`): a
    /// neutral page that does not reveal what she was looking at.
    public var quickExitURL = "https://www.google.com/search?q=weather"
    /// The deployment's own tile server for the monitoring maps (`QORGAU_TILES_URL`), an XYZ
    /// template such as `https://tiles.police.example/{z}/{x}/{y}.png`. Without one the maps draw
    /// on a plain ground: nothing is fetched from outside.
    public var tilesURL: String?
    /// Which pages keep "Qorgau" out of the tab title and the header, showing a neutral title
    /// instead (`QORGAU_DISCREET`): `victim` (default) the victim's pages, `all` the sign-in and
    /// error pages as well (a deployment whose address itself is neutral), `off` none.
    public var discreet = Discretion.victim

    public enum Discretion: String, Sendable, CaseIterable { case victim, all, off }

    /// The scheme, host and port of a tile template, for the pages' Content-Security-Policy.
    static func tilesOrigin(_ template: String) -> String? {
        guard let url = URL(string: template.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")),
              let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty else { return nil }
        return scheme + "://" + host + (url.port.map { ":\($0)" } ?? "")
    }
    /// How this instance takes part among several on one PostgreSQL (`QORGAU_INSTANCE_ADDRESS`,
    /// `QORGAU_LEASE_SECONDS`).
    public var instances = InstanceSettings()
    /// The PostgreSQL channel on which instances tell each other of alerts and changed cases
    /// (`QORGAU_NOTIFY_CHANNEL`, default `qorgau_monitoring`): one per deployment sharing a database.
    public var notifyChannel = "qorgau_monitoring"
    /// A connection that neither sends nor receives anything this long is closed
    /// (`QORGAU_IDLE_TIMEOUT_SECONDS`, default 60; 0 turns it off): a client that opens
    /// connections and leaves them half-sent does not hold them for ever. (A client that trickles
    /// a header a byte at a time is a reverse proxy's to cut off: see the README.)
    public var idleTimeoutSeconds = 60
    /// How often the audit log is read for changes other instances or the command line made
    /// (`QORGAU_CHANGE_POLL_MS`, default 250; 0 turns it off): an order issued with `qorgau order`
    /// beside a running server is enforced within that.
    public var changePollSeconds = 0.25
    /// The roles whose users must sign in with a second factor (`QORGAU_MFA_ROLES`, a comma-separated
    /// list such as `officer,investigator,judge,fundOfficer,administrator,auditor`; default none,
    /// though anyone may turn one on). A user of such a role is asked to set one up at the next
    /// sign-in and can do nothing else until it is on.
    public var secondFactorRoles: Set<Role> = []
    /// Password attempts one source may make a minute (`QORGAU_SIGNIN_PER_MINUTE`, default 10).
    public var signInPerMinute = 10
    /// The bearer token `GET /metrics` asks for (`QORGAU_METRICS_TOKEN`); without one, only this machine may read it.
    public var metricsToken: String?
    /// How the server writes its log (`QORGAU_LOG_FORMAT`, see `LogFormat`).
    public var logFormat = LogFormat.text
    /// The channels alerts are sent on, each off until configured (see `AlertChannelSettings`).
    public var alertChannels = AlertChannelSettings()
    /// The Web Push key (VAPID), when push is configured.
    public var pushKey: P256.Signing.PrivateKey?

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseLocation, migrate: Bool = true,
                maxBodyBytes: Int = 1 << 20, maxCaseFileBytes: Int = 32 << 20, logLevel: Logger.Level = .info) {
        self.host = host; self.port = port; self.database = database; self.migrate = migrate
        self.maxBodyBytes = maxBodyBytes; self.maxCaseFileBytes = maxCaseFileBytes; self.logLevel = logLevel
    }

    /// Reads `QORGAU_MAX_BODY_BYTES` and `LOG_LEVEL` (the database comes from `DATABASE_URL` or
    /// `--data`, resolved by the caller); a bad value stops with a message naming the variable.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                       database: DatabaseLocation, host: String = "127.0.0.1", port: Int = 8080,
                                       migrate: Bool = true) throws -> AppConfig {
        var config = AppConfig(host: host, port: port, database: database, migrate: migrate)
        if let raw = env["QORGAU_MAX_BODY_BYTES"] {
            guard let bytes = Int(raw), bytes >= 1024 else {
                throw ConfigurationError("QORGAU_MAX_BODY_BYTES must be a number of bytes, at least 1024; got \"\(raw)\"")
            }
            config.maxBodyBytes = bytes
        }
        if env["QORGAU_BCRYPT_COST"] != nil { config.bcryptCost = try Accounts.cost(environment: env) }
        if let raw = env["QORGAU_SECURE_COOKIES"] {
            guard ["0", "1", "true", "false"].contains(raw) else {
                throw ConfigurationError("QORGAU_SECURE_COOKIES must be 1 or 0; got \"\(raw)\"")
            }
            config.secureCookies = raw == "1" || raw == "true"
        }
        for (name, minimum) in [("QORGAU_MONITORING_SWEEP_SECONDS", 0.0), ("QORGAU_ALERT_ESCALATION_SECONDS", 10.0)] {
            guard let raw = env[name] else { continue }
            guard let seconds = Double(raw), seconds >= minimum, seconds <= 86_400 else {
                throw ConfigurationError("\(name) must be a number of seconds from \(Int(minimum)) to 86400; got \"\(raw)\"")
            }
            if name == "QORGAU_MONITORING_SWEEP_SECONDS" { config.monitoringSweepSeconds = seconds } else { config.alertEscalationSeconds = seconds }
        }
        if let raw = env["QORGAU_EVIDENCE_MAX_BYTES"] {
            guard let bytes = Int64(raw), bytes >= 1024 else {
                throw ConfigurationError("QORGAU_EVIDENCE_MAX_BYTES must be a number of bytes, at least 1024; got \"\(raw)\"")
            }
            config.maxEvidenceBytes = bytes
        }
        if let raw = env["QORGAU_QUICK_EXIT_URL"] {
            guard raw.hasPrefix("https://") || raw.hasPrefix("http://") else {
                throw ConfigurationError("QORGAU_QUICK_EXIT_URL must be an http(s) address; got \"\(raw)\"")
            }
            config.quickExitURL = raw
        }
        if let raw = env["QORGAU_TILES_URL"], !raw.isEmpty {
            guard Self.tilesOrigin(raw) != nil, ["{z}", "{x}", "{y}"].allSatisfy(raw.contains) else {
                throw ConfigurationError("QORGAU_TILES_URL must be an http(s) address with {z}, {x} and {y}, e.g. https://tiles.example/{z}/{x}/{y}.png; got \"\(raw)\"")
            }
            config.tilesURL = raw
        }
        if let raw = env["QORGAU_DISCREET"] {
            guard let discreet = Discretion(rawValue: raw) else {
                throw ConfigurationError("QORGAU_DISCREET must be one of victim, all, off; got \"\(raw)\"")
            }
            config.discreet = discreet
        }
        config.instances = try InstanceSettings.fromEnvironment(env)
        if let raw = env["QORGAU_NOTIFY_CHANNEL"] {
            guard !raw.isEmpty, raw.count <= 63, raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw ConfigurationError("QORGAU_NOTIFY_CHANNEL must be 1-63 letters, digits or underscores; got \"\(raw)\"")
            }
            config.notifyChannel = raw.lowercased()
        }
        if let raw = env["QORGAU_IDLE_TIMEOUT_SECONDS"] {
            guard let seconds = Int(raw), seconds == 0 || (20...3600).contains(seconds) else {
                throw ConfigurationError("QORGAU_IDLE_TIMEOUT_SECONDS must be 0 (off) or a number of seconds from 20 to 3600; got \"\(raw)\"")
            }
            config.idleTimeoutSeconds = seconds
        }
        if let raw = env["QORGAU_CHANGE_POLL_MS"] {
            guard let ms = Int(raw), ms == 0 || (10...60_000).contains(ms) else {
                throw ConfigurationError("QORGAU_CHANGE_POLL_MS must be 0 (off) or a number of milliseconds from 10 to 60000; got \"\(raw)\"")
            }
            config.changePollSeconds = Double(ms) / 1000
        }
        config.logFormat = try LogFormat.fromEnvironment(env)
        config.metricsToken = env["QORGAU_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let raw = env["QORGAU_MFA_ROLES"] {
            let names = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "none" }
            let roles = names.compactMap(Role.init(rawValue:))
            guard roles.count == names.count, !roles.contains(.gateway) else {
                let browserRoles = Role.allCases.filter { $0 != .gateway }.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("QORGAU_MFA_ROLES must list roles among \(browserRoles) (a gateway signs in with tokens only), or none; got \"\(raw)\"")
            }
            config.secondFactorRoles = Set(roles)
        }
        if let raw = env["QORGAU_SIGNIN_PER_MINUTE"] {
            guard let count = Int(raw), (1...10_000).contains(count) else {
                throw ConfigurationError("QORGAU_SIGNIN_PER_MINUTE must be a number from 1 to 10000; got \"\(raw)\"")
            }
            config.signInPerMinute = count
        }
        config.alertChannels = try AlertChannelSettings.fromEnvironment(env)
        if let raw = env["LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                throw ConfigurationError("LOG_LEVEL must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(raw)\"")
            }
            config.logLevel = level
        }
        return config
    }
}
