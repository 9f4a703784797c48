import Domain

/// The assessment as plain text for the terminal.
public enum AssessmentText {
    public static func render(_ a: Assessment) -> String {
        var lines = ["\(a.jurisdiction) assessment at \(a.at) (pack \(a.packVersion))", ""]
        for o in a.offences {
            lines.append("\(o.offence) \(o.title): \(o.conclusion.rawValue)")
            for e in o.elements {
                let ids = e.incidents.isEmpty ? "" : " [\(e.incidents.joined(separator: ", "))]"
                lines.append("  \(e.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(e.name)\(ids)")
            }
            lines.append("  counted: \(o.episodes.counted.joined(separator: ", "))")
            if !o.episodes.beforeInForce.isEmpty { lines.append("  before in force: \(o.episodes.beforeInForce.joined(separator: ", "))") }
            if !o.episodes.timeBarred.isEmpty { lines.append("  time-barred: \(o.episodes.timeBarred.joined(separator: ", "))") }
            if let expiry = o.limitation.earliestExpiry { lines.append("  earliest limitation expiry: \(expiry)") }
            if let payment = o.mandatoryPaymentMrp { lines.append("  mandatory payment: \(payment)") }
            if !o.unverified.isEmpty { lines.append("  rests on unverified figures: \(o.unverified.joined(separator: ", "))") }
            lines.append("")
            lines.append("  " + o.explanation)
            lines.append("")
        }
        for c in a.alsoConsider { lines.append("also consider \(c.norm): \(c.reason)") }
        if !a.nextSteps.isEmpty {
            lines.append("")
            lines.append("next steps:")
            lines += a.nextSteps.map { "  - \($0)" }
        }
        lines.append("")
        lines.append(a.disclaimer)
        return lines.joined(separator: "\n")
    }
}

public enum SentenceCheckText {
    public static func render(_ c: SentenceCheck) -> String {
        var lines = ["verdict \(c.verdict) under \(c.offences.joined(separator: ", ")): \(c.valid ? "valid" : "refused")"]
        lines += c.problems.map { "  problem: \($0)" }
        lines += c.warnings.map { "  warning: \($0)" }
        if let amount = c.amount {
            lines.append("  punishment: \(amount.units) \(amount.unit) × \(amount.unitValue) = \(amount.total) \(amount.currency) (\(amount.unit) of \(amount.valueDate))")
        }
        if let payment = c.mandatoryPayment {
            lines.append("  mandatory payment (\(payment.category)): \(payment.expectedUnits) expected, \(payment.orderedUnits.map(String.init) ?? "none") ordered"
                         + (payment.amount.map { " = \($0.total) \($0.currency)" } ?? ""))
        }
        if !c.unverified.isEmpty { lines.append("  rests on unverified figures: \(c.unverified.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}
