import Crypto
import Domain
import Fluent
import Foundation
import Law
import Store


/// The dossier for the command line: made, its evidence recorded as exported in each item's
/// custody, and written as a zip.
public enum Dossier {
    public static func export(caseID: UUID, db: any Database, blobs: BlobStore, packs: PackLibrary, signer: DossierSigningKey,
                              language: Language = .en, to path: String) async throws {
        let store = EvidenceStore(db: db)
        for item in try await store.list(caseID: caseID, scope: .all) {
            try await store.record("exported", of: item, detail: "dossier")
        }
        let content = try await DossierContent.make(caseID: caseID, scope: .all, db: db, packs: packs, catalogs: try Catalogs.load(),
                                                    language: language)
        try DossierArchive.write(content, blobs: blobs, signer: signer, to: path)
    }

    /// The problems found in a dossier file (none when intact), checked against the server's
    /// published key when given, and the key its manifest is signed with.
    public static func verify(path: String, trustedKey: String?) throws -> (problems: [String], signedBy: String?) {
        var trusted: Curve25519.Signing.PublicKey?
        if let trustedKey {
            guard let key = DossierSigningKey.publicKey(trustedKey) else { return (["the trusted key is not an Ed25519 public key in base64"], nil) }
            trusted = key
        }
        let verification = try DossierArchive.verify(path: path, trusted: trusted)
        return (verification.problems, verification.signedBy)
    }
}
