import Domain
import Fluent
import Foundation
import SQLiteKit

/// The rows of a batch of case files an import stores, made before any is written (while the batch
/// before it is written), so that each table takes a few statements for all of the files rather
/// than a few per file (a statement costs more in its trips between threads than in its rows).
struct ImportRows {
    private(set) var caseIDs: [UUID] = []
    /// Each table's rows, as their listed values (the models are not kept).
    private var tables = Tables()
    /// Case by case, each case's rows in the order they are written.
    private(set) var audit: [AuditEntry] = []
    /// Who the audit records name: given, since the rows may be made in a task of their own.
    private let actor: String

    private struct Tables {
        var cases = ListedTable(CaseModel.schema), persons = ListedTable(PersonModel.schema)
        var places = ListedTable(PlaceModel.schema), incidents = ListedTable(IncidentModel.schema)
        var orders = ListedTable(ProtectiveOrderModel.schema), records = ListedTable(CaseRecordModel.schema)
        /// In the order they are written: the cases first (a write first: SQLite takes the write
        /// lock at once, and the other rows refer to them).
        var all: [ListedTable] { [cases, persons, places, incidents, orders, records] }
    }

    init(_ files: [CaseFile], by principal: Principal, at now: Int64, actor: String) throws {
        self.actor = actor
        for file in files { try add(file, by: principal, at: now) }
    }

    private mutating func add(_ file: CaseFile, by principal: Principal, at now: Int64) throws {
        let caseID = UUID.randomV4()
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
        add(model, to: \.cases, "caseFile.imported")

        // every id given here, not by the insert: the audit entries are made before it
        var places: [PlaceModel] = []
        for (seq, person) in file.persons.enumerated() {
            let personModel = PersonModel(caseID: caseID, seq: seq, person: person, at: now)
            let personID = UUID.randomV4()
            personModel.id = personID
            add(personModel, to: \.persons, "person.added")
            places += person.places.enumerated().map { PlaceModel(personID: personID, seq: $0, place: $1) }
        }
        for place in places {
            place.id = .randomV4()
            add(place, to: \.places, "place.added", caseID: caseID)
        }
        for incident in file.incidents {
            let incidentModel = try IncidentModel(caseID: caseID, incident: incident, by: principal.subject, at: now)
            incidentModel.id = .randomV4()
            add(incidentModel, to: \.incidents, "incident.logged")
        }
        for (seq, order) in file.protectiveOrders.enumerated() {
            let orderModel = try ProtectiveOrderModel(caseID: caseID, seq: seq, order: order)
            orderModel.id = .randomV4()
            add(orderModel, to: \.orders, "order.issued")
        }
        for record in try Self.records(file, caseID: caseID) {
            record.id = .randomV4()
            add(record, to: \.records, "\(record.section).added")
        }
        caseIDs.append(caseID)
    }

    private mutating func add<M: ListedRow & AuditedRow>(_ model: M, to table: WritableKeyPath<Tables, ListedTable>, _ action: String,
                                                         caseID: UUID? = nil) {
        let hash = tables[keyPath: table].add(model.listedFields)
        audit.append(.row(model, hash: hash, action, caseID: caseID, actor: actor))
    }

    /// Writes every row, inside the caller's transaction.
    func insert(on tx: any Database) async throws {
        if let lite = tx as? any SQLiteDatabase { // thousands of rows in one transaction: its pages kept in memory
            try await lite.withConnection { await SQLiteTrackSettings.apply(to: $0) }
        }
        for table in tables.all { try await table.insert(on: tx) }
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
