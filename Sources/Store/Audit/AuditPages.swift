import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import SQLiteKit

/// Reads the chain a page at a time, in `seq` order. On SQLite the rows are read by column
/// position straight from the driver, which makes `audit verify` several times faster than
/// decoding each column by name; other databases go through SQLKit.
struct AuditPages {
    let db: any Database
    let pageSize: Int

    func page(after seq: Int64) async throws -> [AuditRecord] {
        let columns = AuditChain.columns.joined(separator: ", ")
        if let lite = db as? any SQLiteDatabase {
            let collected = NIOLockedValueBox<[SQLiteRow]>([])
            try await lite.query("SELECT \(columns) FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                                 [.integer(Int(seq)), .integer(pageSize)]) { row in collected.withLockedValue { $0.append(row) } }
            return try collected.withLockedValue { rows in try rows.map(Self.record) }
        }
        return try await AuditChain.select(on: db).where("seq", .greaterThan, seq).orderBy("seq").limit(pageSize).all().map(AuditRecord.init(row:))
    }

    /// A row in `AuditChain.columns` order.
    static func record(_ row: SQLiteRow) throws -> AuditRecord {
        let c = row.columns
        guard c.count == AuditChain.columns.count else { throw AuditChainError.notSQL }
        func text(_ i: Int) -> String? { c[i].data.string }
        func int(_ i: Int) throws -> Int64 {
            guard let value = c[i].data.integer else { throw DecodingError.valueNotFound(Int64.self, .init(codingPath: [], debugDescription: AuditChain.columns[i])) }
            return Int64(value)
        }
        func uuid(_ i: Int) -> UUID? {
            switch c[i].data {
            case .blob(let buffer) where buffer.readableBytes == 16:
                let b = Array(buffer.readableBytesView)
                return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
            case .text(let string): return UUID(uuidString: string)
            default: return nil
            }
        }
        guard let id = uuid(1), let actor = text(3), let action = text(4), let prev = text(11), let hash = text(12) else {
            throw DecodingError.valueNotFound(String.self, .init(codingPath: [], debugDescription: "audit_log row"))
        }
        return AuditRecord(seq: try int(0), id: id, at: try int(2), actor: actor, action: action, entity: text(5),
                           entityID: text(6), caseID: uuid(7), recordHash: text(8), target: text(9), detail: text(10),
                           prev: prev, hash: hash)
    }
}
