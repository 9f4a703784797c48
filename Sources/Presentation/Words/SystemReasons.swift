/// The reasons Qorgau writes itself into a record's history (stored in English, as the API gives
/// them), said in the reader's language on the pages; a reason a person typed is shown as typed.
package enum SystemReasons {
    static let keys = ["added by the victim": "reason_added_by_victim",
                       "mandatory payment received": "reason_payment_received",
                       "verdict entered into force": "reason_verdict_in_force",
                       "sent to court": "reason_sent_to_court"]

    package static func said(_ reason: String, in t: [String: String]) -> String {
        keys[reason].flatMap { t[$0] } ?? reason
    }
}
