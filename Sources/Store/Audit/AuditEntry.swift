import Crypto
import Fluent
import Foundation

/// Who is acting, for the audit records written by the stores. The web layer sets it for the
/// duration of a request; the command line and background work leave the default.
public enum Auditing {
    @TaskLocal public static var actor: String = "system"
}

/// One line of the audit log before it is chained: who did what, to which stored row (its table,
/// key and the SHA-256 of its canonical JSON, or no hash when the row was removed), in which case.
public struct AuditEntry: Sendable, Equatable {
    public var actor: String
    public var action: String
    public var entity: String?
    public var entityID: String?
    public var caseID: UUID?
    public var recordHash: String?
    public var target: String?
    public var detail: String?

    public init(actor: String = Auditing.actor, action: String, entity: String? = nil, entityID: String? = nil,
                caseID: UUID? = nil, recordHash: String? = nil, target: String? = nil, detail: String? = nil) {
        self.actor = actor; self.action = action; self.entity = entity; self.entityID = entityID
        self.caseID = caseID; self.recordHash = recordHash; self.target = target; self.detail = detail
    }

    /// A row written (created or changed), with the hash of what it now holds.
    static func row<M: AuditedRow>(_ model: M, _ action: String, caseID: UUID? = nil, actor: String = Auditing.actor)
        throws -> AuditEntry {
        row(model, hash: try RowHash.of(model), action, caseID: caseID, actor: actor)
    }

    /// A row written whose hash is already taken (`ListedTable.add`).
    static func row<M: AuditedRow>(_ model: M, hash: String, _ action: String, caseID: UUID? = nil, actor: String = Auditing.actor)
        -> AuditEntry {
        AuditEntry(actor: actor, action: action, entity: M.schema, entityID: model.auditKey, caseID: caseID ?? model.auditCaseID,
                   recordHash: hash)
    }

    /// A row removed (places replaced by a correction, a withdrawn grant).
    static func removed<M: AuditedRow>(_ model: M, _ action: String, caseID: UUID? = nil) -> AuditEntry {
        AuditEntry(action: action, entity: M.schema, entityID: model.auditKey, caseID: caseID ?? model.auditCaseID)
    }
}

/// The SHA-256 of a row's canonical JSON: its fields by name, keys sorted. Rows hold integers,
/// strings, booleans and doubles only (instants are integer milliseconds), so the text read back
/// from SQLite or PostgreSQL is the text written.
enum RowHash {
    static func of<M: Model>(_ model: M) throws -> String {
        if let row = model as? any ListedRow { return of(row.listedFields) }
        return SHA256Hex.of(try canonicalJSON(model))
    }

    static func of(_ fields: [RowField]) -> String { SHA256Hex.of(ListedJSON.bytes(fields)) }

    /// The JSON hashed, as Fluent finds a row's fields; a `ListedRow` gives the same bytes from
    /// its list (`ListedJSON`).
    static func canonicalJSON<M: Model>(_ model: M) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(model)
    }
}
