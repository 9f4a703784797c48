import Domain
import Fluent
import Foundation

/// Imports and exports whole case files. Import runs in one transaction: all or nothing.
public struct CaseFileStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Stores a validated case file as a new case and returns its id. A case number that is
    /// already taken is refused as a validation problem at `/case/number`.
    public func importCaseFile(_ file: CaseFile, by principal: Principal) async throws -> UUID {
        try await CaseStore(db: db).requireNumberFree(file.case.number, pointer: "/case/number")
        try await requireDevicesFree(file.devices ?? [])
        let now = nowMilliseconds()
        let caseID = UUID()
        try await db.auditedTransaction { tx in
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
            try await model.create(on: tx) // a write first: SQLite takes the write lock at once

            var places: [PlaceModel] = []
            let persons = file.persons.enumerated().map { seq, person in
                PersonModel(caseID: caseID, seq: seq, person: person, at: now)
            }
            for (model, person) in zip(persons, file.persons) {
                model.id = UUID()
                places += person.places.enumerated().map { PlaceModel(personID: model.id!, seq: $0, place: $1) }
            }
            try await persons.create(on: tx)
            try await places.create(on: tx)

            let incidents = try file.incidents.map {
                try IncidentModel(caseID: caseID, incident: $0, by: principal.subject, at: now)
            }
            for model in incidents { model.id = UUID() }
            try await IncidentWriter.insertRows(incidents, on: tx)

            let orders = try file.protectiveOrders.enumerated()
                .map { try ProtectiveOrderModel(caseID: caseID, seq: $0, order: $1) }
            try await orders.create(on: tx)
            let records = try records(file, caseID: caseID)
            try await records.create(on: tx)
            var audit = [try AuditEntry.row(model, "caseFile.imported")]
            audit += try persons.map { try .row($0, "person.added") }
            audit += try places.map { try .row($0, "place.added", caseID: caseID) }
            audit += try incidents.map { try .row($0, "incident.logged") }
            audit += try orders.map { try .row($0, "order.issued") }
            audit += try records.map { try .row($0, "\($0.section).added") }
            return ((), audit)
        }
        return caseID
    }

    public func exportCaseFile(caseID: UUID, scope: CaseScope) async throws -> CaseFile {
        guard let model = try await CaseModel.find(caseID, on: db), scope.allows(caseID, unit: model.unit) else {
            throw DomainError.notFound("case")
        }
        let personModels = try await PersonModel.query(on: db).filter(\.$case.$id == caseID)
            .sort(\.$seq).sort(\.$ref).all()
        let placeModels = personModels.isEmpty ? [] : try await PlaceModel.query(on: db)
            .filter(\.$person.$id ~~ personModels.compactMap(\.id)).all()
        let placesByPerson = Dictionary(grouping: placeModels, by: { $0.$person.id })
        let persons = personModels.map { $0.person(places: placesByPerson[$0.id!] ?? []) }

        let incidentModels = try await IncidentModel.query(on: db).filter(\.$case.$id == caseID)
            .sort(\.$occurredAt).sort(\.$ref).all()
        let uploaded = Dictionary(grouping: try await EvidenceModel.query(on: db).filter(\.$caseID == caseID)
            .sort(\.$addedAt).sort(\.$sha256).all(), by: \.incidentID)
        var incidents = try incidentModels.map { model in
            var incident = try model.incident()
            incident.evidence = EvidenceStore.merged(declared: incident.evidence, uploaded: uploaded[model.id!] ?? [])
            return incident
        }
        let orders = try await ProtectiveOrderModel.query(on: db).filter(\.$case.$id == caseID)
            .sort(\.$seq).sort(\.$ref).all().map { try $0.order() }
        let violated = OrderViolations.ordersByIncident(incidents: incidents, orders: orders)
        for index in incidents.indices { incidents[index].violates = violated[incidents[index].id] }
        let records = try await CaseRecordModel.query(on: db).filter(\.$case.$id == caseID)
            .sort(\.$seq).sort(\.$ref).all()
        func section<T: Decodable>(_ name: String, _ type: T.Type) throws -> [T] {
            try records.filter { $0.section == name }.map { try JSONColumn.decode(T.self, $0.body) }
        }
        let devices = try section("devices", Device.self)
        var risk = try section("riskAssessments", RiskAssessment.self)
        if risk.isEmpty, let legacy = try? JSONColumn.decodeOptional([RiskAssessment].self, model.riskAssessments) {
            risk = legacy // written, before they were records, into the case row
        }
        return CaseFile(
            jurisdiction: model.jurisdiction, case: model.header, persons: persons, incidents: incidents,
            protectiveOrders: orders,
            administrativeCases: try section("administrativeCases", AdministrativeCase.self),
            criminalProceedings: try section("criminalProceedings", CriminalProceeding.self),
            verdicts: try section("verdicts", Verdict.self),
            riskAssessments: risk.isEmpty ? nil : risk,
            devices: devices.isEmpty ? nil : devices)
    }

    /// Every case in scope as a case file, oldest first (for reports across cases).
    public func allCaseFiles(scope: CaseScope) async throws -> [(CaseSummary, CaseFile)] {
        let query = CaseModel.query(on: db)
        guard query.within(scope) else { return [] }
        var result: [(CaseSummary, CaseFile)] = []
        for model in try await query.sort(\.$createdAt).sort(\.$id).all() {
            let summary = try model.summary()
            result.append((summary, try await exportCaseFile(caseID: summary.id, scope: scope)))
        }
        return result
    }

    /// A device reports under its own id, so it can be worn in one open case only: otherwise its
    /// pings would be checked against the wrong case's orders.
    func requireDevicesFree(_ devices: [Device]) async throws {
        var problems: [ValidationProblem] = []
        for (index, device) in devices.enumerated() {
            let holders = try await CaseRecordModel.query(on: db).filter(\.$section == "devices").filter(\.$ref == device.id)
                .join(CaseModel.self, on: \CaseRecordModel.$case.$id == \CaseModel.$id)
                .filter(CaseModel.self, \.$status == CaseStatus.open.rawValue).count()
            if holders > 0 {
                problems.append(.init(pointer: "/devices/\(index)/id",
                                      message: "device \"\(device.id)\" is registered in another open case; close that case or use the device's own id"))
            }
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }

    private func records(_ file: CaseFile, caseID: UUID) throws -> [CaseRecordModel] {
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
