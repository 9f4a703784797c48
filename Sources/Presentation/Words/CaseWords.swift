import Domain
import Foundation
import Law

/// How a case's records are named on a page, in its language: an episode by when and what
/// ("22 сент. 2025 г., 08:10 — Слежка, преследование"), an article by its short citation
/// ("ст. 115-1 УК РК"), money in the statutory unit with its value in tenge, a date in the
/// language's format. The law engine's prose (explanations, next steps) names episodes by their
/// ids and dates as ISO text, as the API gives them; `prose` puts the names in for the page.
package struct CaseWords {
    package let t: [String: String]
    package let format: LocaleFormat
    package let pack: JurisdictionPack
    package let language: Language
    private let episodes: [String: String]
    /// Episodes by when alone, for the engine's prose (where the kind would say it again).
    private let whens: [String: String]
    /// The orders, verdicts and administrative cases of the case by id ("Защитное предписание
    /// (полиция) (15 окт. 2025 г.)").
    private let orders: [String: String]
    private let file: CaseFile

    /// The words of a page in `lang` (ru, kk, en), its dates in the jurisdiction's time zone.
    package init(t: [String: String], lang: String, pack: JurisdictionPack, file: CaseFile) {
        self.init(t: t, format: LocaleFormat(language: lang, timeZone: TimeZone(identifier: pack.timeZone) ?? .current),
                  pack: pack, language: Language(rawValue: lang) ?? .en, file: file)
    }

    package init(t: [String: String], format: LocaleFormat, pack: JurisdictionPack, language: Language, file: CaseFile) {
        self.t = t; self.format = format; self.pack = pack; self.language = language; self.file = file
        episodes = Dictionary(file.incidents.map { incident in
            (incident.id, format.dateTime(incident.occurredAt) + " — " + (t["incidentkind_\(incident.kind.rawValue)"] ?? incident.kind.rawValue))
        }, uniquingKeysWith: { first, _ in first })
        whens = Dictionary(file.incidents.map { ($0.id, format.dateTime($0.occurredAt)) }, uniquingKeysWith: { first, _ in first })
        let on = { (day: ZonedDateTime) in " (" + format.date(day.localDate) + ")" }
        var records = file.protectiveOrders.map { order in
            (order.id, (t["ordertype_\(order.type.rawValue)"] ?? order.type.rawValue) + on(order.issuedAt))
        }
        records += file.criminalProceedings.map { ($0.id, ($0.registrationNumber.map { (t["proceeding_number"] ?? "") + " " + $0 } ?? (t["criminal_case"] ?? "")) + on($0.registeredAt)) }
        records += file.verdicts.map { ($0.id, (t["verdict"] ?? "verdict") + on($0.decidedAt)) }
        records += file.administrativeCases.map { ($0.id, (t["administrative_case"] ?? "") + on($0.decidedAt)) }
        orders = Dictionary(records, uniquingKeysWith: { first, _ in first })
    }

    /// An episode link: its anchor and its name.
    package struct Episode: Encodable { package var id: String; package var name: String }

    package func episode(_ id: String) -> String { episodes[id] ?? orders[id] ?? id }

    /// A record an episode rests on, named fully: an administrative case with its article
    /// ("административное дело, ст. 461 КоАП РК (12 нояб. 2025 г.)"), others as `episode` names them.
    package func record(_ id: String) -> String {
        guard let decision = file.administrativeCases.first(where: { $0.id == id }) else { return episode(id) }
        return (t["administrative_case"] ?? "") + ", " + article(decision.article) + " (" + format.date(decision.decidedAt.localDate) + ")"
    }

    /// What an incident says, in the page's language when the monitoring wrote it (a breach is
    /// recorded with an English note of its facts: the device, the zone or distance, the order).
    package func description(_ incident: Incident) -> String {
        guard incident.reportedBy == .monitoring else { return incident.description }
        let text = incident.description
        func said(_ key: String, _ values: [String: String]) -> String {
            var line = t[key] ?? text
            for (name, value) in values { line = line.replacingOccurrences(of: "{\(name)}", with: value) }
            return line
        }
        if let m = text.wholeMatch(of: /Monitoring: device (\S+) entered zone (\d+) of order (\S+); GPS accuracy (\d+) m/) {
            let zone = Int(m.2).map { String($0 + 1) } ?? String(m.2) // numbered from 1, as the pages number zones
            return said("breach_zone_description", ["device": String(m.1), "zone": zone, "order": episode(String(m.3)), "accuracy": String(m.4)])
        }
        if let m = text.wholeMatch(of: /Monitoring: device (\S+) came within the distance of order (\S+) from the victim \((\d+) m\); GPS accuracy (\d+) m/) {
            return said("breach_distance_description", ["device": String(m.1), "order": episode(String(m.2)), "distance": String(m.3), "accuracy": String(m.4)])
        }
        return text
    }

    /// An incident's name by when and what, whether or not the case file holds it (one entered
    /// in error is no part of it).
    package func incidentName(_ incident: Incident) -> String {
        episodes[incident.id] ?? format.dateTime(incident.occurredAt) + " — " + (t["incidentkind_\(incident.kind.rawValue)"] ?? incident.kind.rawValue)
    }

    package func episodeLinks(_ ids: [String]) -> [Episode] { ids.map { Episode(id: $0, name: episode($0)) } }

    package func episodeList(_ ids: [String]) -> String { ids.map(episode).joined(separator: "; ") }

    /// "KZ.CC.115-1" → "ст. 115-1 УК РК" (by the catalog's name of the code), or the id as it is.
    package func article(_ id: String) -> String {
        guard let dot = id.lastIndex(of: "."), let code = t["code_\(id[..<dot])"], let pattern = t["article_short"] else { return id }
        return pattern.replacingOccurrences(of: "{article}", with: String(id[id.index(after: dot)...])).replacingOccurrences(of: "{code}", with: code)
    }

    /// "5 МРП (21 625 ₸)": the amount in the pack's unit, and in money at its value on `day`.
    package func money(units: Int, on day: LocalDate) -> String {
        guard let unit = pack.unit else { return String(units) }
        let name = unit.name[language]
        guard let value = unit.value(on: day) else { return "\(units) \(name)" }
        return "\(units) \(name) (\(format.number(Int64(units) * Int64(value.value))) \(t["currency_\(pack.currency)"] ?? pack.currency))"
    }

    /// The engine's text with episodes (by when), orders and articles named, ISO dates in the
    /// page's format and the unverified figures it lists (`figures`) in words.
    package func prose(_ text: String, figures: [String] = []) -> String {
        let pattern = Self.token
        let source = text as NSString
        let unverified = Set(figures)
        var result = ""
        var last = 0
        var lastWasEpisode = false
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: source.length)) {
            guard match.range.location >= last else { continue }
            result += source.substring(with: NSRange(location: last, length: match.range.location - last))
            let token = source.substring(with: match.range)
            var name = token
            if let incident = whens[token] {
                // episodes in a list: "8 окт. 2025 г., 21:15; 5 нояб. 2025 г., 19:50" (a comma would run them together)
                if result.hasSuffix(", "), lastWasEpisode { result.removeLast(2); result += "; " }
                name = incident
            } else if let order = orders[token] {
                name = order
            } else if token.count == 10, let day = LocalDate(token) {
                name = format.date(day)
            } else if unverified.contains(token) {
                name = figure(token)
            } else if token.contains("."), token.hasPrefix(pack.code + ".") {
                name = article(token)
            }
            lastWasEpisode = whens[token] != nil
            result += name
            last = match.range.location + match.range.length
            // "22 сент. 2026 г." closing a sentence takes its full stop
            if name != token, name.hasSuffix("."), last < source.length, source.character(at: last) == 0x2E { last += 1 }
        }
        return result + source.substring(from: last)
    }

    /// An ASCII word of the engine's prose: an id, an ISO date, an article, a figure's key.
    private static let token = try! NSRegularExpression(pattern: "[A-Za-z0-9][A-Za-z0-9_.\\-]*[A-Za-z0-9]|[A-Za-z0-9]")

    /// A warning on a record (`/administrativeCases/0/sanction/mrp`) naming the record and the figure.
    package func recordWarning(_ warning: ValidationProblem, in file: CaseFile) -> String {
        let parts = warning.pointer.split(separator: "/")
        var record: String?
        if parts.count >= 2, let index = Int(parts[1]) {
            switch parts[0] {
            case "administrativeCases": record = file.administrativeCases.indices.contains(index) ? file.administrativeCases[index].id : nil
            case "criminalProceedings": record = file.criminalProceedings.indices.contains(index) ? file.criminalProceedings[index].id : nil
            case "verdicts": record = file.verdicts.indices.contains(index) ? file.verdicts[index].id : nil
            default: break
            }
        }
        var said = warning
        if let figure = warning.values?["figure"] { said.values?["figure"] = self.figure(figure) }
        // amounts in their unit: "60 МРП", "25 сут."
        if let unit = warning.values?["unit"], let name = unit == "mrp" ? pack.unit?.name[language] : t["days"] {
            for key in ["value", "bound"] { if let number = said.values?[key] { said.values?[key] = number + " " + name } }
        }
        let text = said.code == nil ? prose(warning.message) : said.said(in: t)
        return record.map { episode($0) + ": " + text } ?? text
    }

    /// A figure of the law pack in words: "sanction.fine.min" → "нижний предел: штраф".
    package func figure(_ key: String) -> String {
        // a bound of another article: "KZ.CAO.461.sanction.fine.max"
        if key.hasPrefix(pack.code + "."), let at = key.range(of: ".sanction.") {
            return figure(String(key[key.index(after: at.lowerBound)...])) + " (" + article(String(key[..<at.lowerBound])) + ")"
        }
        if key.hasSuffix(".impacts"), let named = t["figure_impacts"] { return named }
        let parts = key.split(separator: ".").map(String.init)
        if parts.count == 3, parts[0] == "sanction", let bound = t["figure_sanction_\(parts[2])"] {
            return bound.replacingOccurrences(of: "{sanction}", with: t["punishment_\(parts[1])"]?.lowercased() ?? parts[1])
        }
        if let named = t["figure_\(key)"] { return named }
        if let first = parts.first, parts.count > 1, let named = t["figure_\(first)"] { return named }
        return key
    }
}
