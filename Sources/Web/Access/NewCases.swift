import Domain
import Store
import Vapor

extension Request {
    /// The unit a new case gets: an officer opens cases in their own unit (the unit may be left
    /// out); anyone else names the unit as they like.
    func unitForNewCase(_ requested: String?, pointer: String) throws -> String? {
        guard let signedIn = storage[SignedInKey.self], signedIn.user.role == .officer else { return requested }
        let own = signedIn.user.unit
        guard let requested else { return own }
        guard requested == own else {
            throw ValidationFailure(pointer: pointer, message: "an officer opens cases in their own unit (\"\(own ?? "none")\"), not \"\(requested)\"")
        }
        return requested
    }

    /// Opens a case as the API and the dashboard's form do: an officer's in their unit, and an
    /// investigator who opens one keeps access to it.
    func openCase(jurisdiction: String, header: CaseHeader, unitPointer: String) async throws -> CaseSummary {
        var header = header
        header.unit = try unitForNewCase(header.unit, pointer: unitPointer)
        let summary = try await CaseStore(db: db).create(jurisdiction: jurisdiction, header: header, by: try principal)
        try await grantToCreator(summary.id)
        return summary
    }

    /// Lets the user named see a case (victims, investigators, judges), as the API and the case
    /// page's form do; an unknown username is a problem at `/username`.
    func grantAccess(to caseID: UUID, username: String) async throws -> AccessStore.Grant {
        guard let user = try? await UserStore(db: db).find(username: username) else {
            throw ValidationFailure(pointer: "/username", message: "no user \"\(username)\"")
        }
        let grant = try await AccessStore(db: db).grant(caseID: caseID, to: user, by: try principal)
        forgetCachedTokens()
        return grant
    }

    /// An investigator who opens a case keeps access to it.
    func grantToCreator(_ caseID: UUID) async throws {
        guard let signedIn = storage[SignedInKey.self], signedIn.user.role.seesGrantedCases else { return }
        try await AccessStore(db: db).grant(caseID: caseID, to: signedIn.user, by: .commandLine)
    }
}
