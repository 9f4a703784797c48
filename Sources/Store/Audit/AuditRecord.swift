import Domain
import Crypto
import Foundation

/// A line of the audit log as stored: its entry, its place in the chain (`seq`, from 1), the hash
/// of the record before it (`prev`, 64 zeros for the first) and its own `hash`, the SHA-256 of its
/// canonical JSON, which includes `prev`. Changing, removing or reordering any record breaks the
/// hashes of every record after it.
public struct AuditRecord: Sendable, Codable, Equatable {
    public static let genesis = String(repeating: "0", count: 64)

    public var seq: Int64
    public var id: UUID
    public var at: Int64
    public var actor: String
    public var action: String
    public var entity: String?
    public var entityID: String?
    public var caseID: UUID?
    public var recordHash: String?
    public var target: String?
    public var detail: String?
    public var prev: String
    public var hash: String

    init(seq: Int64, id: UUID, at: Int64, entry: AuditEntry, prev: String) {
        self.seq = seq; self.id = id; self.at = at; actor = entry.actor; action = entry.action; entity = entry.entity
        entityID = entry.entityID; caseID = entry.caseID; recordHash = entry.recordHash; target = entry.target
        detail = entry.detail; self.prev = prev; hash = ""
        hash = computedHash
    }

    public init(seq: Int64, id: UUID, at: Int64, actor: String, action: String, entity: String?, entityID: String?,
                caseID: UUID?, recordHash: String?, target: String?, detail: String?, prev: String, hash: String) {
        self.seq = seq; self.id = id; self.at = at; self.actor = actor; self.action = action; self.entity = entity
        self.entityID = entityID; self.caseID = caseID; self.recordHash = recordHash; self.target = target
        self.detail = detail; self.prev = prev; self.hash = hash
    }

    /// The text the hash is taken of; documented in the README so others can check a chain.
    public var canonicalJSON: String { String(decoding: canonicalBytes, as: UTF8.self) }

    var canonicalBytes: [UInt8] {
        CanonicalJSON.bytes([ // in key order
            ("action", .string(action)), ("actor", .string(actor)), ("at", .integer(at)),
            ("caseID", caseID.map { .string($0.apiString) }), ("detail", detail.map { .string($0) }),
            ("entity", entity.map { .string($0) }), ("entityID", entityID.map { .string($0) }),
            ("id", .string(id.apiString)), ("prev", .string(prev)),
            ("recordHash", recordHash.map { .string($0) }), ("seq", .integer(seq)), ("target", target.map { .string($0) }),
        ])
    }

    public var computedHash: String {
        SHA256Hex.of(canonicalBytes)
    }
}

/// The last record of the chain: whoever holds a copy can later prove that nothing up to it changed.
public struct ChainHead: Sendable, Codable, Equatable {
    public var seq: Int64
    public var hash: String
    public var at: Int64?

    public init(seq: Int64, hash: String, at: Int64?) { self.seq = seq; self.hash = hash; self.at = at }
}
