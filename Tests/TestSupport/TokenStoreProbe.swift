import Foundation
import Store
import Vapor

/// Reads what the stores hold, for tests that need an id the API does not hand out.
public enum TokenStoreProbe {
    /// The newest token of a user.
    public static func lastTokenID(_ app: Application, of userID: UUID) async throws -> String? {
        try await TokenStore(db: app.db).list(of: userID).last?.id.uuidString.lowercased()
    }
}
