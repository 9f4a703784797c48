import Domain
import Fluent
import Foundation
import SQLKit

/// One change of a case as its history shows it: the audit record, and the reason the change was
/// made with, where it was given one (a correction, an extension, a revocation, a stage).
public struct CaseHistoryEntry: Sendable {
    public var record: AuditRecord
    public var reason: String?
}

extension AuditStore {
    /// The changes of a case, newest first, `limit` at most: its audit records but the reads,
    /// each with its reason. A kept version is not shown itself: its reason is the reason of the
    /// change it was kept for (the record that follows it); an incident's correction takes the
    /// reason of the version it made.
    public func history(caseID: UUID, limit: Int = 100) async throws -> [CaseHistoryEntry] {
        let rows = try await AuditChain.select(on: db).where("case_id", .equal, caseID)
            .where(SQLColumn("action"), .notLike, SQLBind("read.%"))
            .orderBy("seq", .descending).limit(limit * 2).all().map(AuditRecord.init(row:))
        let kept = rows.filter { $0.action == "version.kept" && $0.entity == RecordVersionModel.schema }.compactMap { $0.entityID.flatMap { UUID(uuidString: $0) } }
        var reasons: [UUID: String] = [:]
        if !kept.isEmpty {
            for row in try await RecordVersionModel.query(on: db).filter(\.$id ~~ kept).all() { reasons[row.id!] = row.reason }
        }
        // an incident's versions: the reason of each, with when it was made
        let corrected = Set(rows.filter { $0.action == "incident.corrected" }.compactMap { $0.entityID.flatMap { UUID(uuidString: $0) } })
        var versions: [UUID: [(at: Int64, reason: String?)]] = [:]
        if !corrected.isEmpty {
            for current in try await IncidentModel.query(on: db).filter(\.$id ~~ Array(corrected)).all() {
                versions[current.id!, default: []].append((current.updatedAt, current.versionReason))
            }
            for old in try await IncidentVersionModel.query(on: db).filter(\.$incident.$id ~~ Array(corrected)).all() {
                versions[old.$incident.id, default: []].append((old.recordedAt, old.reason))
            }
        }
        // the reasons of the marks of episodes entered in error that still stand
        let marked = rows.filter { $0.action == "incident.enteredInError" }.compactMap { $0.entityID.flatMap { UUID(uuidString: $0) } }
        var markReasons: [UUID: String] = [:]
        if !marked.isEmpty {
            for mark in try await IncidentErrorModel.query(on: db).filter(\.$id ~~ marked).all() { markReasons[mark.id!] = mark.reason }
        }
        var entries: [CaseHistoryEntry] = []
        for record in rows { // newest first: a kept version comes right after the change it was kept for
            if record.action == "version.kept" {
                if record.entity == RecordVersionModel.schema, let id = record.entityID.flatMap({ UUID(uuidString: $0) }), let reason = reasons[id],
                   let last = entries.indices.last, entries[last].reason == nil, entries[last].record.seq == record.seq + 1 {
                    entries[last].reason = reason
                }
                continue
            }
            var entry = CaseHistoryEntry(record: record, reason: nil)
            if record.action == "incident.enteredInError", let id = record.entityID.flatMap({ UUID(uuidString: $0) }) {
                entry.reason = markReasons[id]
            }
            if record.action == "incident.corrected", let id = record.entityID.flatMap({ UUID(uuidString: $0) }) {
                entry.reason = versions[id]?.min { abs($0.at - record.at) < abs($1.at - record.at) }?.reason
            }
            entries.append(entry)
            if entries.count == limit { break }
        }
        return entries
    }
}
