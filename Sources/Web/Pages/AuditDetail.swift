import Foundation

/// An audit record's detail in the page's language. The stores write details as short English
/// notes for the log ("role officer", "stage inCourt", "12 pings"); the auditor's page says the
/// known ones in words and never shows an id: a user's id becomes the user's name, any other id
/// is left out. (The CSV export keeps the notes as written.)
enum AuditDetail {
    private static var uuid: Regex<Substring> { /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/ }

    /// The user ids a detail names, to be read with the page's other names.
    static func ids(in detail: String?) -> [UUID] {
        guard let detail else { return [] }
        return detail.matches(of: uuid).compactMap { UUID(uuidString: String($0.output)) }
    }

    /// Notes said whole, by their catalog key `auditdetail_<key>`.
    private static let fixed: [String: String] = [
        "extended": "extended", "revoked": "revoked", "zones": "zones", "dossier": "dossier", "token": "token", "disabled account": "disabledAccount",
        "unknown token": "unknownToken", "wrong current password": "wrongPassword",
        "a session that ended (signed out) or never was": "endedSession",
        "the batch was not stored; send it again": "batchNotStored",
        "the token is no longer valid for sending pings; the socket is closed": "socketClosed",
    ]

    static func said(_ detail: String?, t: [String: String], names: [UUID: String]) -> String {
        guard let detail, !detail.isEmpty else { return "" }
        if let key = fixed[detail], let words = t["auditdetail_\(key)"] { return words }
        func fill(_ key: String, _ values: [String: String]) -> String? {
            guard var text = t["auditdetail_\(key)"] else { return nil }
            for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
            return text
        }
        if let m = detail.wholeMatch(of: /role (\w+)/) {
            return fill("role", ["role": t["userrole_\(m.1)"] ?? String(m.1)]) ?? detail
        }
        if let m = detail.wholeMatch(of: /stage (\w+)/) {
            return fill("stage", ["stage": t["stage_\(m.1)"] ?? String(m.1)]) ?? detail
        }
        if let m = detail.wholeMatch(of: /(\d+) pings/), let said = fill("pings", ["count": String(m.1)]) { return said }
        if let m = detail.wholeMatch(of: /(\d+) duties/), let said = fill("duties", ["count": String(m.1)]) { return said }
        if let m = detail.wholeMatch(of: /sessions ended, (\d+) API tokens revoked, (\d+) push devices forgotten/),
           let said = fill("sessionsEnded", ["tokens": String(m.1), "devices": String(m.2)]) { return said }
        if detail.wholeMatch(of: /expired token .*/) != nil, let said = fill("expiredToken", [:]) { return said }
        if detail.wholeMatch(of: /revoked token .*/) != nil, let said = fill("revokedToken", [:]) { return said }
        if let m = detail.wholeMatch(of: /of user (.+)/), let user = UUID(uuidString: String(m.1)).flatMap({ names[$0] }),
           let said = fill("ofUser", ["name": user]) { return said }
        if let m = detail.wholeMatch(of: /alert .* step (\d+)/), let said = fill("alertStep", ["step": String(m.1)]) { return said }
        if let m = detail.wholeMatch(of: /unknown username from (.+)/), let said = fill("unknownUsername", ["source": String(m.1)]) { return said }
        if let m = detail.wholeMatch(of: /attempt while locked from (.+)/), let said = fill("whileLocked", ["source": String(m.1)]) { return said }
        if let m = detail.wholeMatch(of: /attempt from (.+), shut out after (\d+) failures/),
           let said = fill("shutOut", ["source": String(m.1), "count": String(m.2)]) { return said }
        if let m = detail.wholeMatch(of: /(\d+) failed sign-ins; locked for (\d+) minutes/),
           let said = fill("locked", ["count": String(m.1), "minutes": String(m.2)]) { return said }
        // anything else as written, with a user's name for each id (an id of nothing named is left out)
        return detail.replacing(uuid) { match in
            UUID(uuidString: String(match.output)).flatMap { names[$0] } ?? "…"
        }
    }
}
