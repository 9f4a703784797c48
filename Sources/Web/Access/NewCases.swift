import Domain
import Store
import Vapor

extension Request {
    /// The unit a new case gets: whoever belongs to a unit opens cases in it (the unit may be
    /// left out); someone without a unit opens cases without one (an investigator keeps them by
    /// the grant made to whoever opens a case), which a unit's officer may then take over.
    func unitForNewCase(_ requested: String?, pointer: String) async throws -> String? {
        guard let signedIn = storage[SignedInKey.self] else { return requested }
        if let own = signedIn.user.unit {
            guard let requested else { return own }
            guard requested == own else {
                throw ValidationFailure(pointer: pointer, message: "you open cases in your own unit (\"\(own)\"), not another")
            }
            return requested
        }
        guard requested == nil || signedIn.principal.scope == .all else {
            throw ValidationFailure(pointer: pointer, message: "you belong to no unit: leave the unit out")
        }
        try await requireKnownUnit(requested, pointer: pointer)
        return requested
    }

    /// A unit named in a request must exist (a user or a case belongs to it).
    func requireKnownUnit(_ unit: String?, pointer: String) async throws {
        guard let unit else { return }
        guard try await CaseStore(db: db).isKnownUnit(unit) else {
            throw ValidationFailure(pointer: pointer, message: "there is no such unit")
        }
    }

    /// Moving a case to another unit: only someone of the case's own unit (or the command line,
    /// which sees every case) moves it, and only to a unit that exists; a case of no unit may be
    /// given one by whoever may edit it.
    func checkTransfer(of caseID: UUID, to unit: String?, pointer: String) async throws {
        let signedIn = try signedIn
        guard let current = try await self.unit(ofCase: caseID) else { throw DomainError.notFound("case") }
        guard unit != current else { return }
        if signedIn.principal.scope != .all, let current {
            guard signedIn.user.unit == current else {
                throw Abort(.forbidden, reason: "only the case's own unit moves it to another")
            }
        }
        try await requireKnownUnit(unit, pointer: pointer)
    }

    /// Opens a case as the API and the dashboard's form do: an officer's in their unit, and an
    /// investigator who opens one keeps access to it.
    func openCase(jurisdiction: String, header: CaseHeader, unitPointer: String) async throws -> CaseSummary {
        var header = header
        header.unit = try await unitForNewCase(header.unit, pointer: unitPointer)
        let summary = try await CaseStore(db: db).create(jurisdiction: jurisdiction, header: header, by: try principal)
        try await grantToCreator(summary.id)
        return summary
    }

    /// Lets the user named see a case (victims, investigators, judges), as the API and the case
    /// page's form do; an unknown username, or one of another role, is a problem at `/username`.
    func grantAccess(to caseID: UUID, username: String) async throws -> AccessStore.Grant {
        // An unknown username and a user of another role answer alike: the form tells nobody who
        // else has an account, or what role they hold.
        guard let user = try? await UserStore(db: db).find(username: username), user.role.seesGrantedCases else {
            throw ValidationFailure(pointer: "/username", message: "no victim, investigator or judge has the username \"\(username)\"")
        }
        let grant = try await AccessStore(db: db).grant(caseID: caseID, to: user, by: try principal)
        return grant
    }

    /// An investigator who opens a case keeps access to it.
    func grantToCreator(_ caseID: UUID) async throws {
        guard let signedIn = storage[SignedInKey.self], signedIn.user.role.seesGrantedCases else { return }
        try await AccessStore(db: db).grant(caseID: caseID, to: signedIn.user, by: .commandLine)
    }
}
