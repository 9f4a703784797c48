import Cases
import Domain
import Fluent
import Foundation
import Logging
import Store

/// On the first start of an empty database there is no one to sign in as: an administrator
/// "admin" is made with a one-time password, printed once to a terminal and never stored in clear.
/// When the output is not a terminal (a service whose output is kept in a log), the password is
/// not printed: `qorgau user passwd admin` on the machine gives one.
enum FirstAdministrator {
    static func ensure(on db: any Database, bcryptCost: Int, logger: Logger) async throws {
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
        guard isatty(STDOUT_FILENO) != 0 else {
            // a log line like any other (JSON where the log is): not the password
            logger.notice("""
            No users yet: made the administrator "admin". Its one-time password is not printed here, as this output may be \
            kept in a log: run `qorgau user passwd admin` on this machine (with the same --data or DATABASE_URL) to get one.
            """)
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
