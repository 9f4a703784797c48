import Cases
import Foundation
import Store

/// Where alerts are sent, from the environment; a channel without its settings is off.
///
/// - `QORGAU_WEBHOOK_URL` and `QORGAU_WEBHOOK_SECRET` (at least 16 characters): the duty
///   centre's system, sent the event as signed JSON.
/// - `QORGAU_SMS_URL`, and `QORGAU_VOICE_URL`: an operator's HTTP gateway, with
///   `…_AUTHORIZATION` (the Authorization header as sent), `…_TEMPLATE` (the body, with `{to}`,
///   `{text}` and `{id}`) and `…_CONTENT_TYPE` (default `application/json`).
/// - `QORGAU_PUSH_SUBJECT`: Web Push, with this `mailto:` or `https:` contact for the push
///   services' operators; the key is `QORGAU_PUSH_KEY` or a file made at the first start
///   (`QORGAU_PUSH_KEY_FILE`, default `push.key` in the data folder). `QORGAU_PUSH_SERVICES`:
///   the push services' origins messages may go to, comma-separated (default: those of Chrome,
///   Firefox, Safari and Edge).
/// - `QORGAU_SMTP_HOST` and `QORGAU_SMTP_FROM`: e-mail through the agency's mail server, with
///   `QORGAU_SMTP_SECURITY` (`starttls`, the default; `tls`; `none`, for a relay on a closed
///   network), `QORGAU_SMTP_PORT` (587, 465 or 25 by the security), `QORGAU_SMTP_USERNAME` and
///   `QORGAU_SMTP_PASSWORD` (never over a connection without TLS), `QORGAU_SMTP_CA_FILE` (an
///   agency's own certificate authority, PEM).
/// - `QORGAU_PUBLIC_URL`: the address officers open from a message (the alert console).
public struct AlertChannelSettings: Sendable, Equatable {
    public var webhookURL: String?
    public var webhookSecret: String?
    public var sms: GatewaySender.Settings?
    public var voice: GatewaySender.Settings?
    public var push: WebPushSender.Settings?
    public var email: SMTPClient.Settings?
    public var publicURL: String?
    /// How often the delivery worker looks for work besides being woken (`QORGAU_DELIVERY_POLL_MS`,
    /// default 500; 0 leaves the worker off, as tests do and run it by hand).
    public var pollMilliseconds = 500

    public init() {}

    public var configured: Set<DeliveryChannel> {
        var channels: Set<DeliveryChannel> = []
        if webhookURL != nil { channels.insert(.webhook) }
        if sms != nil { channels.insert(.sms) }
        if voice != nil { channels.insert(.voice) }
        if push != nil { channels.insert(.push) }
        if email != nil { channels.insert(.email) }
        return channels
    }

    package static func fromEnvironment(_ env: [String: String]) throws -> AlertChannelSettings {
        var settings = AlertChannelSettings()
        func address(_ name: String) throws -> String? {
            guard let raw = env[name], !raw.isEmpty else { return nil }
            guard let url = URL(string: raw), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ConfigurationError("\(name) must be an http(s) address; got \"\(raw)\"")
            }
            return raw
        }
        settings.webhookURL = try address("QORGAU_WEBHOOK_URL")
        settings.webhookSecret = env["QORGAU_WEBHOOK_SECRET"]
        if settings.webhookURL != nil, (settings.webhookSecret ?? "").count < 16 {
            throw ConfigurationError("QORGAU_WEBHOOK_URL needs QORGAU_WEBHOOK_SECRET, at least 16 characters, to sign what it sends")
        }
        for prefix in ["QORGAU_SMS", "QORGAU_VOICE"] {
            guard let url = try address(prefix + "_URL") else { continue }
            var gateway = GatewaySender.Settings(url: url, authorization: env[prefix + "_AUTHORIZATION"])
            if let template = env[prefix + "_TEMPLATE"] {
                guard template.contains("{to}"), template.contains("{text}") else {
                    throw ConfigurationError("\(prefix)_TEMPLATE must contain {to} and {text}; got \"\(template)\"")
                }
                gateway.template = template
            }
            if let type = env[prefix + "_CONTENT_TYPE"], !type.isEmpty { gateway.contentType = type }
            if prefix == "QORGAU_SMS" { settings.sms = gateway } else { settings.voice = gateway }
        }
        if let subject = env["QORGAU_PUSH_SUBJECT"], !subject.isEmpty {
            guard subject.hasPrefix("mailto:") || subject.hasPrefix("https://") else {
                throw ConfigurationError("QORGAU_PUSH_SUBJECT must be a mailto: or https: address the push services can reach you at; got \"\(subject)\"")
            }
            var push = WebPushSender.Settings(subject: subject)
            if let raw = env["QORGAU_PUSH_SERVICES"], !raw.isEmpty {
                push.services = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                for origin in push.services {
                    guard let url = URL(string: origin.replacingOccurrences(of: "*.", with: "")), ["http", "https"].contains(url.scheme ?? ""),
                          url.host != nil, url.path.isEmpty, url.query == nil else {
                        throw ConfigurationError("QORGAU_PUSH_SERVICES must list origins such as https://fcm.googleapis.com; got \"\(origin)\"")
                    }
                }
            }
            settings.push = push
        }
        settings.email = try smtp(env)
        if let raw = try address("QORGAU_PUBLIC_URL") {
            settings.publicURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        }
        if let raw = env["QORGAU_DELIVERY_POLL_MS"] {
            guard let ms = Int(raw), ms == 0 || (50...60_000).contains(ms) else {
                throw ConfigurationError("QORGAU_DELIVERY_POLL_MS must be 0 (off) or a number of milliseconds from 50 to 60000; got \"\(raw)\"")
            }
            settings.pollMilliseconds = ms
        }
        return settings
    }

    static func smtp(_ env: [String: String]) throws -> SMTPClient.Settings? {
        guard let host = env["QORGAU_SMTP_HOST"], !host.isEmpty else { return nil }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:[]".contains($0) }) else {
            throw ConfigurationError("QORGAU_SMTP_HOST must be a host name or address; got \"\(host)\"")
        }
        let rawSecurity = env["QORGAU_SMTP_SECURITY"] ?? "starttls"
        guard let security = SMTPClient.Security(rawValue: rawSecurity) else {
            throw ConfigurationError("QORGAU_SMTP_SECURITY must be starttls, tls or none; got \"\(rawSecurity)\"")
        }
        if security != .none, host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) {
            throw ConfigurationError("QORGAU_SMTP_HOST must be the mail server's name, as its certificate names it, when TLS is used; got \"\(host)\"")
        }
        var port = security == .tls ? 465 : security == .startTLS ? 587 : 25
        if let raw = env["QORGAU_SMTP_PORT"] {
            guard let number = Int(raw), (1...65_535).contains(number) else {
                throw ConfigurationError("QORGAU_SMTP_PORT must be a port number; got \"\(raw)\"")
            }
            port = number
        }
        guard let from = env["QORGAU_SMTP_FROM"], EmailSender.isPlainAddress(from) else {
            throw ConfigurationError("QORGAU_SMTP_HOST needs QORGAU_SMTP_FROM, the address messages are sent from")
        }
        let username = env["QORGAU_SMTP_USERNAME"].flatMap { $0.isEmpty ? nil : $0 }
        if username != nil, security == .none {
            throw ConfigurationError("QORGAU_SMTP_USERNAME needs QORGAU_SMTP_SECURITY starttls or tls: a password is not sent in the clear")
        }
        if username != nil, (env["QORGAU_SMTP_PASSWORD"] ?? "").isEmpty {
            throw ConfigurationError("QORGAU_SMTP_USERNAME needs QORGAU_SMTP_PASSWORD")
        }
        let caFile = env["QORGAU_SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let caFile, !FileManager.default.fileExists(atPath: caFile) {
            throw ConfigurationError("QORGAU_SMTP_CA_FILE names no file: \(caFile)")
        }
        return SMTPClient.Settings(host: host, port: port, security: security, username: username,
                                   password: username == nil ? nil : env["QORGAU_SMTP_PASSWORD"], from: from, caFile: caFile)
    }
}
