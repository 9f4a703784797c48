import Domain

extension ValidationProblem {
    /// The problem in the page's language: the catalog's `problem_<code>` with its values put in,
    /// or the English message where the problem has no code yet.
    package func said(in t: [String: String]) -> String {
        guard let code, var text = t["problem_\(code.rawValue)"] else { return message }
        for (name, value) in values ?? [:] {
            // a risk level by its name in the language; a day or a moment as people write it
            let shown = name == "computed" ? t["risklevel_\(value)"] ?? value : Self.readable(value)
            text = text.replacingOccurrences(of: "{\(name)}", with: shown)
        }
        return text
    }

    /// "2027-12-06T09:00:00+05:00" as "06.12.2027 09:00" (at its own offset), "2027-12-06" as
    /// "06.12.2027"; anything else as it is.
    package static func readable(_ value: String) -> String {
        func day(_ date: LocalDate) -> String { String(format: "%02d.%02d.%04d", date.day, date.month, date.year) }
        if value.count > 10, let moment = ZonedDateTime(value) {
            let seconds = (moment.epochMilliseconds / 1000 + Int64(moment.offsetSeconds)) % 86_400
            let minute = (seconds + 86_400) % 86_400 / 60
            return day(moment.localDate) + String(format: " %02d:%02d", minute / 60, minute % 60)
        }
        if value.count == 10, let date = LocalDate(value) { return day(date) }
        return value
    }
}
