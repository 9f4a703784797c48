import Cases
import Store
import Vapor

/// The services a request writes through, as the signed-in caller: the API's handlers and the
/// pages' forms call the same ones as the command line, so a rule holds wherever a write comes from.
extension Request {
    /// The principal and account of whoever signed in.
    var caller: Caller {
        get throws { let signedIn = try signedIn; return Caller(principal: signedIn.principal, user: signedIn.user) }
    }

    var cases: CaseService { get throws { CaseService(db: db, packs: application.packs, caller: try caller) } }
    var imports: ImportService { get throws { ImportService(db: db, packs: application.packs, caller: try caller) } }
    var persons: PersonService { get throws { PersonService(db: db, caller: try caller) } }
    var incidents: IncidentService { get throws { IncidentService(db: db, caller: try caller, writer: application.incidentWriter) } }
    var access: AccessService { get throws { AccessService(db: db, caller: try caller) } }
}
