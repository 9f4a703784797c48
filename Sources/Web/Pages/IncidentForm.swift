import Domain
import Foundation
import Store
import Vapor

/// The form for logging an incident, as the victim's diary and the case page show it: its values
/// (kept when the form comes back with errors) and a message per field. Validated by the same
/// reader as the API, so a form and a JSON request are held to the same rules.
struct IncidentForm: Encodable {
    var occurredAt = ""
    var place = ""
    var kind = "contact"
    var channel = "inPerson"
    var description = ""
    var witnesses = ""
    var impact: [String] = []
    /// "yes", "no", or "" until answered: never assumed (a wrong default would weaken her case or
    /// put words in her mouth).
    var againstWill = ""
    var violence = false
    /// The name of the photo kept from an earlier try (her draft's), sent with the entry unless replaced or removed.
    var keptPhoto: String?
    /// What the form says about the kept photo, in the page's language.
    var keptPhotoNote: String?
    var errors = Errors()
    var hasErrors = false
    /// Where the form posts (a correction posts to its own address; nil: a new incident of `formCase`).
    var action: String?
    /// A correction: its reason, and no photo (evidence is added to an incident, not corrected).
    var correcting = false
    var reason = ""
    var kinds: [Choice] = []
    var channels: [Choice] = []
    var impacts: [Choice] = []

    struct Choice: Encodable { var value: String; var label: String; var selected: Bool }

    /// A message per field, empty when the field is right (every key present, for the templates).
    struct Errors: Encodable {
        var occurredAt = "", place = "", kind = "", channel = "", description = "", witnesses = "", impact = "", photo = "", againstWill = "", reason = ""

        init() {}
        init(_ messages: [String: String]) {
            occurredAt = messages["occurredAt"] ?? ""; place = messages["place"] ?? ""; kind = messages["kind"] ?? ""
            channel = messages["channel"] ?? ""; description = messages["description"] ?? ""
            witnesses = messages["witnesses"] ?? ""; impact = messages["impact"] ?? ""; photo = messages["photo"] ?? ""
            againstWill = messages["againstWill"] ?? ""; reason = messages["reason"] ?? ""
            // a problem the form has no field for is shown against the description
            let known: Set = ["occurredAt", "place", "kind", "channel", "description", "witnesses", "impact", "photo", "againstWill", "reason"]
            for (field, message) in messages where !known.contains(field) {
                description += (description.isEmpty ? "" : "; ") + message
            }
        }
    }

    struct Posted: Content {
        var occurredAt: String?
        var place: String?
        var kind: String?
        var channel: String?
        var description: String?
        var witnesses: String?
        var impact: [String]?
        var againstWill: String?
        var violence: String?
        var photo: File?
        /// Set to drop the photo kept from an earlier try.
        var dropPhoto: String?
        /// Why an incident is corrected.
        var reason: String?
    }

    init() {}

    init(_ posted: Posted) {
        occurredAt = posted.occurredAt ?? ""
        place = posted.place ?? ""
        kind = posted.kind ?? ""
        channel = posted.channel ?? ""
        description = posted.description ?? ""
        witnesses = posted.witnesses ?? ""
        impact = posted.impact ?? []
        switch posted.againstWill {
        case "yes", "on": againstWill = "yes" // "on": a checkbox of an older page still open
        case "no": againstWill = "no"
        default: againstWill = ""
        }
        violence = posted.violence != nil
        reason = posted.reason ?? ""
    }

    /// The form filled with an incident as it stands, to be corrected.
    init(correcting incident: Incident) {
        occurredAt = FormTime.local(incident.occurredAt)
        place = incident.place?.text ?? ""
        kind = incident.kind.rawValue
        channel = incident.channel.rawValue
        description = incident.description
        witnesses = (incident.witnesses ?? []).joined(separator: "\n")
        impact = incident.impact.map(\.rawValue)
        againstWill = incident.againstWill ? "yes" : "no"
        violence = incident.violence
        correcting = true
    }

    /// Fills the choice lists with the words of `t`.
    mutating func label(_ t: [String: String]) {
        keptPhotoNote = keptPhoto.map { (t["photo_kept"] ?? "{name}").replacingOccurrences(of: "{name}", with: $0.isEmpty ? "—" : $0) }
        kinds = IncidentKind.allCases.map { Choice(value: $0.rawValue, label: t["incidentkind_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == kind) }
        channels = IncidentChannel.allCases.map { Choice(value: $0.rawValue, label: t["channel_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == channel) }
        impacts = Impact.allCases.map { Choice(value: $0.rawValue, label: t["impact_\($0.rawValue)"] ?? $0.rawValue, selected: impact.contains($0.rawValue)) }
    }

    /// The incident, or the messages by field; `time` reads the local time a browser sends.
    /// A correction keeps what the form does not show of the `original` (who reported it, the
    /// orders it violates, the place's position while its text is unchanged).
    func incident(reportedBy: ReportedBy, time: FormTime, t: [String: String] = [:], original: Incident? = nil) -> (Incident?, [String: String]) {
        var json: [String: Any] = [
            "kind": kind, "channel": channel, "description": description, "againstWill": againstWill == "yes", "violence": violence,
            "reportedBy": reportedBy.rawValue, "impact": impact,
        ]
        json["occurredAt"] = time.instant(occurredAt)
        let text = place.trimmingCharacters(in: .whitespaces)
        var position: [String: Any] = [:]
        if let kept = original?.place, (kept.text ?? "") == text, let lat = kept.lat, let lon = kept.lon { position = ["lat": lat, "lon": lon] }
        if !text.isEmpty { position["text"] = place }
        if !position.isEmpty { json["place"] = position }
        if let violates = original?.violates { json["violates"] = violates }
        let names = witnesses.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !names.isEmpty { json["witnesses"] = names }
        guard let data = try? JSONSerialization.data(withJSONObject: json), let value = try? JSONDocument.parse(data) else {
            return (nil, ["description": "the form could not be read"])
        }
        let log = ProblemLog()
        let incident = FieldReader().incident(JSONNode(value, log: log), requireID: false)
        var errors: [String: String] = [:]
        if description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors["description"] = t["error_describe"] ?? "say what happened"
        }
        if againstWill.isEmpty { errors["againstWill"] = t["error_against_will"] ?? "choose yes or no" }
        for problem in log.problems {
            let field = problem.pointer.split(separator: "/").first.map(String.init) ?? "description"
            let said = problem.said(in: t)
            errors[field == "place" ? "place" : field] = errors[field].map { $0 + "; " + said } ?? said
        }
        return (errors.isEmpty ? incident : nil, errors)
    }
}
