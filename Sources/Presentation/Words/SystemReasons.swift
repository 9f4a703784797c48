import Domain

extension SystemReason {
    /// A record's reason in the reader's language when Qorgau wrote it; one a person typed, as typed.
    package static func said(_ reason: String, in t: [String: String]) -> String {
        SystemReason(rawValue: reason).flatMap { t["reason_\($0)"] } ?? reason
    }
}
