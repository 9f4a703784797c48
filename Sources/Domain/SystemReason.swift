/// The reasons Qorgau writes itself into a record's history, stored in English as the API gives
/// them; the pages say them in the reader's language (`reason_` and the case's name).
public enum SystemReason: String, CaseIterable, Sendable {
    case addedByVictim = "added by the victim"
    case paymentReceived = "mandatory payment received"
    case verdictInForce = "verdict entered into force"
    case sentToCourt = "sent to court"
    /// A proceeding moved to decided by the verdict recorded on it.
    case verdictRecorded = "verdict recorded"
}
