import Domain
import Foundation
import Law
import Store
import Vapor

/// Times as the web forms give them: `YYYY-MM-DDTHH:MM` (what `<input type=datetime-local>`
/// sends), local to the case's jurisdiction.
struct FormTime {
    let offsetSeconds: Int

    init(jurisdiction: String, packs: PackLibrary) {
        let zone = (try? packs.pack(for: jurisdiction)).flatMap { TimeZone(identifier: $0.timeZone) }
        offsetSeconds = zone?.secondsFromGMT(for: Date()) ?? 0
    }

    /// The jurisdiction's time for a case in the caller's scope, read without loading the case file.
    static func of(_ caseID: UUID, _ req: Request, packs: PackLibrary) async throws -> FormTime {
        FormTime(jurisdiction: try await CaseStore(db: req.db).get(caseID, scope: req.principal.scope).jurisdiction, packs: packs)
    }

    /// A posted local time as an RFC 3339 instant; what was posted, unchanged, when it is not one
    /// (so that the reader names the field and says why).
    func instant(_ local: String?) -> String {
        guard let local, local.count == 16 || local.count == 19 else { return local ?? "" }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let hours = abs(offsetSeconds) / 3600, minutes = abs(offsetSeconds) / 60 % 60
        return local + (local.count == 16 ? ":00" : "") + sign + String(format: "%02d:%02d", hours, minutes)
    }

    /// An instant as `<input type=datetime-local>` shows it, in the instant's own offset.
    static func local(_ time: ZonedDateTime) -> String { String(time.description.prefix(16)) }

    var now: String { ZonedDateTime(epochMilliseconds: nowMilliseconds(), offsetSeconds: offsetSeconds).description }

    /// Now, to the minute: a time given later in a form is then never before it.
    var nowToTheMinute: String { ZonedDateTime(epochMilliseconds: nowMilliseconds() / 60_000 * 60_000, offsetSeconds: offsetSeconds).description }
}
