import Domain
import Fluent
import Foundation
import SQLiteKit

/// The rows of the case files an import stores, made before any is written, so that each table
/// takes a few statements for all of the files rather than a few per file (a statement costs
/// more in its trips between threads than in its rows).
struct ImportRows {
    private(set) var caseIDs: [UUID] = []
    private var cases: [CaseModel] = [], persons: [PersonModel] = [], places: [PlaceModel] = []
    private var incidents: [IncidentModel] = [], orders: [ProtectiveOrderModel] = [], records: [CaseRecordModel] = []
    /// Case by case, each case's rows in the order they are written.
    private(set) var audit: [AuditEntry] = []

    init(_ files: [CaseFile], by principal: Principal, at now: Int64) throws {
        for file in files { try add(file, by: principal, at: now) }
    }

    private mutating func add(_ file: CaseFile, by principal: Principal, at now: Int64) throws {
        let caseID = UUID()
        let model = CaseModel()
        model.id = caseID
        model.number = file.case.number
        model.jurisdiction = file.jurisdiction
        model.openedAt = file.case.openedAt.epochMilliseconds
        model.openedOffset = file.case.openedAt.offsetSeconds
        model.unit = file.case.unit
        model.status = CaseStatus.open.rawValue
        model.version = 1
        model.createdAt = now
        model.riskAssessments = nil // kept as records of the riskAssessments section

        var places: [PlaceModel] = []
        let persons = file.persons.enumerated().map { seq, person in
            PersonModel(caseID: caseID, seq: seq, person: person, at: now)
        }
        for (model, person) in zip(persons, file.persons) {
            model.id = UUID()
            places += person.places.enumerated().map { PlaceModel(personID: model.id!, seq: $0, place: $1) }
        }
        let incidents = try file.incidents.map {
            try IncidentModel(caseID: caseID, incident: $0, by: principal.subject, at: now)
        }
        for model in incidents { model.id = UUID() }
        let orders = try file.protectiveOrders.enumerated()
            .map { try ProtectiveOrderModel(caseID: caseID, seq: $0, order: $1) }
        let records = try Self.records(file, caseID: caseID)
        // every id given here, not by the insert: the audit entries below are made before it
        for model in places { model.id = UUID() }
        for model in orders { model.id = UUID() }
        for model in records { model.id = UUID() }

        audit.append(try AuditEntry.row(model, "caseFile.imported"))
        audit += try persons.map { try .row($0, "person.added") }
        audit += try places.map { try .row($0, "place.added", caseID: caseID) }
        audit += try incidents.map { try .row($0, "incident.logged") }
        audit += try orders.map { try .row($0, "order.issued") }
        audit += try records.map { try .row($0, "\($0.section).added") }

        caseIDs.append(caseID)
        cases.append(model)
        self.persons += persons
        self.places += places
        self.incidents += incidents
        self.orders += orders
        self.records += records
    }

    /// Writes every row, inside the caller's transaction; the cases first (a write first:
    /// SQLite takes the write lock at once, and the other rows refer to them).
    func insert(on tx: any Database) async throws {
        if let lite = tx as? any SQLiteDatabase { // thousands of rows in one transaction: its pages kept in memory
            try await lite.withConnection { await SQLiteTrackSettings.apply(to: $0) }
        }
        try await ListedRows.insertAll(cases, on: tx)
        try await ListedRows.insertAll(persons, on: tx)
        try await ListedRows.insertAll(places, on: tx)
        try await ListedRows.insertAll(incidents, on: tx)
        try await ListedRows.insertAll(orders, on: tx)
        try await ListedRows.insertAll(records, on: tx)
    }

    private static func records(_ file: CaseFile, caseID: UUID) throws -> [CaseRecordModel] {
        func make<T: Encodable>(_ section: String, _ items: [T], ref: (T) -> String) throws -> [CaseRecordModel] {
            try items.enumerated().map { seq, item in
                let record = CaseRecordModel()
                record.$case.id = caseID
                record.section = section
                record.ref = ref(item)
                record.seq = seq
                record.body = try JSONColumn.encode(item)
                record.version = 1
                return record
            }
        }
        return try make("administrativeCases", file.administrativeCases, ref: \.id)
            + make("criminalProceedings", file.criminalProceedings, ref: \.id)
            + make("verdicts", file.verdicts, ref: \.id)
            + make("devices", file.devices ?? [], ref: \.id)
            + make("riskAssessments", file.riskAssessments ?? [], ref: \.id)
    }
}
