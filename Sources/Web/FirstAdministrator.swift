import Domain
import Fluent
import Foundation
import Store

/// On the first start of an empty database there is no one to sign in as: an administrator
/// "admin" is made with a one-time password, printed once here and never stored in clear.
enum FirstAdministrator {
    static func ensure(on db: any Database, bcryptCost: Int) async throws {
        guard try await UserStore(db: db).count() == 0 else { return }
        let made: (UserAccount, oneTimePassword: String?)
        do {
            made = try await Accounts(db: db, cost: bcryptCost).create(
                username: "admin", displayName: "Administrator", role: .administrator, unit: nil, password: nil, by: "system")
        } catch is ValidationFailure {
            return // another instance starting at the same moment made it
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            return
        }
        print("""

        No users yet: made the administrator "admin" with the one-time password

            \(made.oneTimePassword ?? "")

        It is shown only now. Sign in at /login (or POST /api/v1/auth/password) and choose a new one;
        then add users with `qorgau user add` or POST /api/v1/users.

        """)
    }
}
