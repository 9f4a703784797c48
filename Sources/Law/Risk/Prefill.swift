import Domain

/// The answers a case suggests for an instrument's questions, each with the incidents (or
/// administrative cases) it comes from. The officer confirms or changes them.
struct Prefill {
    let instrument: Instrument
    let file: CaseFile
    let incidents: [Incident]

    func answers(_ language: Language) -> [RiskStatus.Prefill] {
        instrument.questions.map { question in
            guard let matchers = question.prefill, !matchers.isEmpty else {
                return .init(question: question.id, text: question.text[language], answer: nil, sources: [])
            }
            var sources: [String] = []
            for matcher in matchers { sources += self.sources(matching: matcher) }
            let order = Dictionary((file.incidents.map(\.id) + file.administrativeCases.map(\.id)).enumerated().map { ($1, $0) },
                                   uniquingKeysWith: { first, _ in first })
            let unique = Set(sources).sorted { (order[$0] ?? .max, $0) < (order[$1] ?? .max, $1) } // in the file's order
            return .init(question: question.id, text: question.text[language], answer: !unique.isEmpty, sources: unique)
        }
    }

    func sources(matching matcher: Instrument.Matcher) -> [String] {
        if matcher.administrativeCases == true { return file.administrativeCases.map(\.id) }
        let matched = incidents.filter { matches($0, matcher) }
        guard let limit = matcher.morePerWeekThan else { return matched.map(\.id) }
        // yes only when some seven days hold more than `limit` of them: those days' incidents are the sources
        let sorted = matched.sorted { $0.occurredAt.epochMilliseconds < $1.occurredAt.epochMilliseconds }
        let week: Int64 = 7 * 86_400_000
        var start = 0
        for end in sorted.indices {
            while sorted[end].occurredAt.epochMilliseconds - sorted[start].occurredAt.epochMilliseconds >= week { start += 1 }
            if end - start + 1 > limit { return sorted[start...end].map(\.id) }
        }
        return []
    }

    func matches(_ incident: Incident, _ matcher: Instrument.Matcher) -> Bool {
        if let kinds = matcher.kinds, !kinds.contains(incident.kind) { return false }
        if let channels = matcher.channels, !channels.contains(incident.channel) { return false }
        if let impacts = matcher.impacts, Set(impacts).isDisjoint(with: incident.impact) { return false }
        if let violence = matcher.violence, incident.violence != violence { return false }
        if let kinds = matcher.nearPlaces {
            guard let lat = incident.place?.lat, let lon = incident.place?.lon else { return false }
            let radius = matcher.withinMeters ?? 300
            let places = file.persons.filter { $0.role == .victim }.flatMap(\.places)
                .filter { kinds.contains($0.kind) && isValid($0, on: incident.occurredAt.localDate) }
            let near = places.contains { place in
                guard let plat = place.lat, let plon = place.lon else { return false }
                return Geo.distanceMeters(lat, lon, plat, plon) <= radius
            }
            if !near { return false }
        }
        return true
    }

    /// Victims move: a place counts only while it was hers.
    func isValid(_ place: Place, on day: LocalDate) -> Bool {
        if let from = place.from, day < from { return false }
        if let until = place.until, day > until { return false }
        return true
    }
}
