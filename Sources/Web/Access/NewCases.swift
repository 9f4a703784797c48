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

    /// An investigator who opens a case keeps access to it.
    func grantToCreator(_ caseID: UUID) async throws {
        guard let signedIn = storage[SignedInKey.self], signedIn.user.role.seesGrantedCases else { return }
        try await AccessStore(db: db).grant(caseID: caseID, to: signedIn.user, by: .commandLine)
    }
}
