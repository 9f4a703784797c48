import Domain
import Foundation
import Presentation
import Store
import Vapor

/// `GET`/`PUT /api/v1/me/contact`: how the signed-in user is told of alerts (officers) or warned
/// (victims), on the channels she opts in to; and `GET`/`PUT /api/v1/units/{unit}/roster`, a
/// unit's duty roster, for administrators.
struct ContactController {
    struct ContactBody: Content {
        var language: String
        var phone: String?
        var email: String?
        var channels: [String]
    }

    func getContact(req: Request) async throws -> ContactBody {
        let user = try Self.userID(req)
        let contact = try await ContactStore(db: req.db).contact(of: user) ?? Contact(userID: user, language: req.pageLanguage)
        return ContactBody(contact)
    }

    /// Body: `{"language": "ru"|"kk"|"en", "phone": "+7…" (opt), "email": "…" (opt), "channels": ["sms", …]}`.
    func putContact(req: Request) async throws -> ContactBody {
        let user = try Self.userID(req)
        let contact = try Self.read(try req.jsonBody(), user: user)
        try await ContactStore(db: req.db).save(contact, now: nowMilliseconds())
        return ContactBody(contact)
    }

    static func read(_ body: JSONNode, user: UUID) throws -> Contact {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let language = body["language"].string(maxLength: 5)
        if let language, !Catalogs.languages.contains(language) { body["language"].fail("must be one of ru, kk, en") }
        let phone = body["phone"].string(required: false, maxLength: 20)
        if let phone, !ContactRules.isPhone(phone) { body["phone"].fail("must be a phone number in international form, e.g. +77011234567") }
        let email = body["email"].string(required: false, maxLength: 254)
        if let email, !ContactRules.isEmail(email) { body["email"].fail("must be an e-mail address") }
        var channels: Set<DeliveryChannel> = []
        for (index, node) in (body["channels"].elements() ?? []).enumerated() {
            guard let raw = node.string(maxLength: 10) else { continue }
            guard let channel = DeliveryChannel(rawValue: raw), DeliveryChannel.personal.contains(channel) else {
                node.fail("must be one of sms, voice, email, push"); continue
            }
            if (channel == .sms || channel == .voice) && phone == nil { body["channels"][String(index)].fail("\(raw) needs a phone number") }
            if channel == .email && email == nil { body["channels"][String(index)].fail("email needs an e-mail address") }
            channels.insert(channel)
        }
        try body.throwIfInvalid()
        return Contact(userID: user, language: language!, phone: phone, email: email, channels: channels)
    }

    static func userID(_ req: Request) throws -> UUID {
        guard let id = UUID(uuidString: try req.principal.subject) else { throw Abort(.forbidden, reason: "only a user has contact details") }
        return id
    }

    // MARK: the roster

    struct DutyBody: Content {
        var duty: String
        var user: String
        var from: String?
        var to: String?
    }

    struct RosterBody: Content { var unit: String; var duties: [DutyBody] }

    func getRoster(req: Request) async throws -> RosterBody {
        let unit = try Self.unit(req)
        return RosterBody(unit: unit, duties: try await ContactStore(db: req.db).roster(unit: unit).map(DutyBody.init))
    }

    /// Body: `{"duties": [{"duty": "onCall"|"supervisor"|"head", "user": id, "from": "HH:MM", "to": "HH:MM"}, …]}`
    /// (`from` and `to` in the case's local time, both or neither; an on-call duty without them
    /// holds all day). Each user an active officer of the unit.
    func putRoster(req: Request) async throws -> RosterBody {
        let unit = try Self.unit(req)
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        var entries: [RosterEntry] = []
        // the users the roster names, each read once (not every user of the server)
        var officers = Set<UUID>()
        let duties: [JSONValue] = if case .array(let items)? = body["duties"].value { items } else { [] }
        for case .object(let duty) in duties {
            guard case .string(let text)? = duty["user"], let id = UUID(uuidString: text), !officers.contains(id),
                  let user = try? await UserStore(db: req.db).get(id), user.role == .officer, user.unit == unit, !user.disabled else { continue }
            officers.insert(id)
        }
        for node in body["duties"].elements() ?? [] {
            let duty = node["duty"].string(maxLength: 20).flatMap { raw -> RosterEntry.Duty? in
                guard let duty = RosterEntry.Duty(rawValue: raw) else { node["duty"].fail("must be one of onCall, supervisor, head"); return nil }
                return duty
            }
            let user = node["user"].string(maxLength: 100).flatMap { raw -> UUID? in
                guard let id = UUID(uuidString: raw), officers.contains(id) else { node["user"].fail("must be an active officer of unit \(unit)"); return nil }
                return id
            }
            let from = node["from"].string(required: false, maxLength: 5).flatMap { Self.minute($0, node["from"]) }
            let to = node["to"].string(required: false, maxLength: 5).flatMap { Self.minute($0, node["to"]) }
            if (node["from"].isPresent) != (node["to"].isPresent) { node.fail("from and to go together") }
            if let duty, let user { entries.append(RosterEntry(duty: duty, userID: user, fromMinute: from, toMinute: to)) }
        }
        try body.throwIfInvalid()
        try await ContactStore(db: req.db).replaceRoster(unit: unit, with: entries)
        return RosterBody(unit: unit, duties: entries.map(DutyBody.init))
    }

    private static func unit(_ req: Request) throws -> String {
        guard let unit = req.parameters.get("unit"), !unit.isEmpty, unit.count <= 100,
              JSONNode.forbiddenControl(in: unit) == nil else { throw DomainError.notFound("unit") }
        return unit
    }

    /// "HH:MM" as minutes after midnight.
    private static func minute(_ text: String, _ node: JSONNode) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { node.fail("must be a time of day, HH:MM"); return nil }
        return h * 60 + m
    }
}

/// What a phone number and an e-mail address must look like to be sent to.
enum ContactRules {
    /// "+" and 8 to 15 digits (E.164).
    static func isPhone(_ text: String) -> Bool {
        text.first == "+" && (8...15).contains(text.count - 1) && text.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isEmail(_ text: String) -> Bool {
        // the plain form a mail server takes in RCPT TO and a header: no quotes, brackets, commas or spaces
        let local = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        let domain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        let halves = text.split(separator: "@", omittingEmptySubsequences: false)
        guard halves.count == 2, halves[0].unicodeScalars.allSatisfy(local.contains), halves[1].unicodeScalars.allSatisfy(domain.contains) else { return false }
        let parts = halves
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !text.contains(where: { $0.isWhitespace || $0.isNewline || JSONNode.forbiddenControl(in: String($0)) != nil })
    }
}

extension ContactController.ContactBody {
    init(_ contact: Contact) {
        self.init(language: contact.language, phone: contact.phone, email: contact.email,
                  channels: DeliveryChannel.personal.filter(contact.channels.contains).map(\.rawValue))
    }
}

extension ContactController.DutyBody {
    init(_ entry: RosterEntry) {
        func time(_ minute: Int?) -> String? { minute.map { String(format: "%02d:%02d", $0 / 60, $0 % 60) } }
        self.init(duty: entry.duty.rawValue, user: entry.userID.apiString, from: time(entry.fromMinute), to: time(entry.toMinute))
    }
}
