import Domain
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Something `qorgau audit verify` found that does not match: a record of the chain, a stored
/// row, an evidence file, or the chain's head.
public struct AuditProblem: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case record, row, file, head, projection }
    public var kind: Kind
    /// The audit record's seq and id, the row's table/key, or the evidence item's id.
    public var id: String
    public var message: String
}

public struct AuditReport: Sendable, Codable {
    public var records: Int64 = 0
    public var rows = 0
    public var files = 0
    public var head: ChainHead?
    public var problems: [AuditProblem] = []
    public var intact: Bool { problems.isEmpty }
}

/// Walks the chain from the first record, checking each record's hash and link; then checks
/// that every audited row still holds what its last record says (and that no row is missing or
/// unrecorded), and that every evidence file opens and hashes to its address. A chain break is
/// reported once, at the first record that does not match: everything after it is suspect.
public struct AuditVerifier: Sendable {
    let db: any Database
    let blobs: BlobStore?
    /// The chain is read in pages of this many records.
    let pageSize = 20_000
    /// Row and file problems beyond this many are counted, not listed.
    let maxListed = 100

    /// Projections kept above the store (they need the law to be made), each with the cases
    /// whose rows disagree with their case files, checked like the search index.
    public typealias ProjectionCheck = (name: String, disagreements: @Sendable () async throws -> [UUID])
    let projections: [ProjectionCheck]

    public init(db: any Database, blobs: BlobStore?, projections: [ProjectionCheck] = []) {
        self.db = db; self.blobs = blobs; self.projections = projections
    }

    /// `expected`: a head exported earlier (`qorgau audit head`); the record it names must still
    /// carry its hash.
    public func verify(expected: ChainHead? = nil) async throws -> AuditReport {
        var report = AuditReport()
        let pages = AuditPages(db: db, pageSize: pageSize)
        var recorded: [String: (seq: Int64, hash: String?)] = [:]
        var previous = (seq: Int64(0), hash: AuditRecord.genesis)
        var chainBroken = false
        func breakChain(_ record: AuditRecord, _ message: String) {
            guard !chainBroken else { return }
            chainBroken = true
            report.problems.append(AuditProblem(kind: .record, id: "\(record.seq) \(record.id.apiString)", message: message))
        }
        // The next page is read while this one is checked: the database and the hashing each keep a core busy.
        var next = Task { try await pages.page(after: 0) }
        while true {
            let records = try await next.value
            if records.isEmpty { break }
            let last = records[records.count - 1].seq
            next = Task { try await pages.page(after: last) }
            let hashes = Self.hashes(of: records)
            for (record, computed) in zip(records, hashes) {
                if record.seq != previous.seq + 1 {
                    breakChain(record, "record \(previous.seq + 1) is missing: record \(record.seq) follows record \(previous.seq)")
                } else if record.prev != previous.hash {
                    breakChain(record, "record \(record.seq) does not follow the record before it (its prev_hash is not that record's hash): a record was changed, removed or moved before it")
                } else if computed != record.hash {
                    breakChain(record, "record \(record.seq) was changed: its content no longer hashes to its hash")
                }
                if let expected, record.seq == expected.seq, record.hash != expected.hash {
                    report.problems.append(AuditProblem(kind: .head, id: "\(record.seq)",
                                                        message: "record \(record.seq) is not the one in the head held outside: the log was rewritten up to it"))
                }
                if let entity = record.entity, let key = record.entityID {
                    recorded[entity + "/" + key] = (record.seq, record.recordHash)
                }
                previous = (record.seq, record.hash)
                report.records += 1
            }
        }
        let head = try await AuditChain.head(on: db)
        report.head = head
        if head.seq != previous.seq || head.hash != previous.hash {
            report.problems.append(AuditProblem(kind: .head, id: "\(head.seq)",
                                                message: "the log ends at record \(previous.seq) but its head names record \(head.seq): records were removed from the end or the head was changed"))
        }
        if let expected, expected.seq > previous.seq {
            report.problems.append(AuditProblem(kind: .head, id: "\(expected.seq)",
                                                message: "the head held outside names record \(expected.seq), but the log ends at \(previous.seq)"))
        }
        var rowProblems: [AuditProblem] = []
        for table in AuditedTables.all {
            try await check(table, against: &recorded, problems: &rowProblems, count: &report.rows)
        }
        for (key, last) in recorded.sorted(by: { $0.value.seq < $1.value.seq }) where last.hash != nil {
            rowProblems.append(AuditProblem(kind: .row, id: key, message: "row \(key) is missing: audit record \(last.seq) recorded it"))
        }
        var fileProblems: [AuditProblem] = []
        if let blobs {
            for (id, sha256) in try await EvidenceStore(db: db).allAddresses() {
                report.files += 1
                if let problem = blobs.check(sha256) {
                    fileProblems.append(AuditProblem(kind: .file, id: id.apiString,
                                                     message: "evidence \(id.apiString) (\(sha256)): \(problem)"))
                }
            }
        }
        var projectionProblems: [AuditProblem] = []
        // A case file that no longer reads (a row forged around Qorgau) is the rows' problem,
        // reported above: then the projections are not compared.
        for caseID in (try? await SearchIndex(db: db).disagreements()) ?? [] {
            projectionProblems.append(AuditProblem(kind: .projection, id: caseID.apiString,
                                                   message: "the search index of case \(caseID.apiString) is not what its case file gives (qorgau reindex rebuilds it)"))
        }
        for check in projections {
            for caseID in (try? await check.disagreements()) ?? [] {
                projectionProblems.append(AuditProblem(kind: .projection, id: caseID.apiString,
                                                       message: "the \(check.name) of case \(caseID.apiString) are not what its case file gives (qorgau reindex rebuilds them)"))
            }
        }
        for list in [rowProblems, fileProblems, projectionProblems] {
            report.problems += list.prefix(maxListed)
            if list.count > maxListed {
                report.problems.append(AuditProblem(kind: list[0].kind, id: "…", message: "and \(list.count - maxListed) more"))
            }
        }
        return report
    }

    /// Each record's own hash, computed in two halves at once.
    static func hashes(of records: [AuditRecord]) -> [String] {
        let half = records.count / 2
        let parts = [records[..<half], records[half...]]
        let results = NIOLockedValueBox<[[String]]>([[], []])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let hashes = parts[index].map(\.computedHash)
            results.withLockedValue { $0[index] = hashes }
        }
        return results.withLockedValue { $0[0] + $0[1] }
    }

    private func check<M: AuditedRow>(_ table: M.Type, against recorded: inout [String: (seq: Int64, hash: String?)],
                                      problems: inout [AuditProblem], count: inout Int) async throws {
        for row in try await M.query(on: db).all() {
            count += 1
            let key = M.schema + "/" + row.auditKey
            guard let last = recorded.removeValue(forKey: key) else {
                problems.append(AuditProblem(kind: .row, id: key, message: "row \(key) has no audit record: it was written around Qorgau"))
                continue
            }
            guard let hash = last.hash else {
                problems.append(AuditProblem(kind: .row, id: key, message: "row \(key) is present but audit record \(last.seq) recorded its removal"))
                continue
            }
            if try RowHash.of(row) != hash {
                problems.append(AuditProblem(kind: .row, id: key, message: "row \(key) was changed: it no longer matches audit record \(last.seq)"))
            }
        }
    }
}
