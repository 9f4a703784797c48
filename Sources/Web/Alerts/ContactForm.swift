import Cases
import Domain
import Foundation
import Presentation
import Store
import Vapor

/// The account page's part where a user chooses how Qorgau reaches her: her language, her phone
/// and the channels she opts in to (those this server has). A victim is told what she would be
/// warned of; an officer, that alerts reach her on duty. `POST /contact` saves it.
struct ContactForm {
    struct Option: Encodable { var code: String; var label: String; var checked: Bool }
    struct LanguageOption: Encodable { var code: String; var label: String; var selected: Bool }
    struct Device: Encodable { var id: String; var label: String; var added: String }
    /// This server's push key and the devices she subscribed, when it sends push messages.
    struct Push: Encodable { var key: String; var devices: [Device]; var added: Bool; var removed: Bool }
    struct View: Encodable {
        var phone: String; var email: String; var languages: [LanguageOption]; var channels: [Option]
        var offersEmail: Bool; var errors: [String: String]; var saved: Bool
        var push: Push?
    }

    /// What the page shows: what she saved, or what she posted with its problems.
    static func view(_ req: Request, t: [String: String], posted: Contact? = nil, errors: [String: String] = [:]) async throws -> View {
        let user = try req.signedIn.user.id
        var contact = posted
        if contact == nil { contact = try await ContactStore(db: req.db).contact(of: user) }
        let shown = contact ?? Contact(userID: user, language: req.pageLanguage)
        let offered = DeliveryChannel.personal.filter(req.application.qorgauConfig.alertChannels.configured.contains)
        return View(
            phone: shown.phone ?? "", email: shown.email ?? "",
            languages: Catalogs.languages.map { LanguageOption(code: $0, label: Catalogs.names[$0] ?? $0, selected: $0 == shown.language) },
            channels: offered.map { Option(code: $0.rawValue, label: t["contact_by_\($0.rawValue)"] ?? $0.rawValue, checked: shown.channels.contains($0)) },
            offersEmail: offered.contains(.email),
            errors: errors.reduce(into: [:]) { shown, error in shown[error.key.isEmpty ? "form" : error.key] = t["contact_error_\(error.key)"] ?? t["form_errors"] },
            saved: req.query[String.self, at: "contact"] != nil,
            push: try await push(req, user: user, t: t))
    }

    static func push(_ req: Request, user: UUID, t: [String: String]) async throws -> Push? {
        guard let key = try PushController.vapidKey(req) else { return nil }
        let format = LocaleFormat(language: req.pageLanguage, timeZone: TimeZone(identifier: "Asia/Almaty") ?? .current)
        let devices = try await PushSubscriptionStore(db: req.db).subscriptions(of: user).map { device in
            Device(id: device.id.apiString, label: device.label ?? (t["push_device"] ?? ""),
                   added: format.dateTime(ZonedDateTime(epochMilliseconds: device.createdAt, offsetSeconds: 0)))
        }
        return Push(key: key.publicKey.x963Representation.base64URLEncoded, devices: devices,
                    added: req.query[String.self, at: "push"] == "added", removed: req.query[String.self, at: "push"] == "removed")
    }

    /// `POST /push/{id}/remove`: forgets one of her devices (another's is left as it is).
    static func removeDevice(req: Request) async throws -> Response {
        let user = try req.signedIn.user.id
        if let id = req.parameters.get("subscriptionID").flatMap(UUID.init(uuidString:)) {
            _ = try await PushSubscriptionStore(db: req.db).remove(id, of: user)
        }
        return req.redirect(to: "/password?push=removed#push")
    }

    struct Posted: Decodable { var language: String?; var phone: String?; var email: String?; var channel: [String]? }

    /// Reads the form as the API reads its body (the same rules and messages, by field).
    static func read(_ req: Request) -> (Contact?, [String: String]) {
        let form = req.form(Posted.self) ?? Posted()
        var object: [String: JSONValue] = ["language": .string(form.language ?? ""), "channels": .array((form.channel ?? []).map { .string($0) })]
        if let phone = form.phone?.replacingOccurrences(of: " ", with: ""), !phone.isEmpty { object["phone"] = .string(phone) }
        if let email = form.email?.trimmingCharacters(in: .whitespaces), !email.isEmpty { object["email"] = .string(email) }
        guard let user = try? req.signedIn.user.id else { return (nil, [:]) }
        do {
            return (try ContactController.read(JSONNode(.object(object), log: ProblemLog()), user: user), [:])
        } catch let failure as ValidationFailure {
            let errors = Dictionary(failure.problems.map { (String($0.pointer.dropFirst().split(separator: "/").first ?? ""), $0.message) },
                                    uniquingKeysWith: { $0 + "; " + $1 })
            let fallback = Contact(userID: user, language: form.language ?? "ru", phone: form.phone, email: form.email,
                                   channels: Set((form.channel ?? []).compactMap(DeliveryChannel.init(rawValue:))))
            return (fallback, errors.isEmpty ? ["": failure.description] : errors)
        } catch {
            return (nil, ["": "\(error)"])
        }
    }
}
