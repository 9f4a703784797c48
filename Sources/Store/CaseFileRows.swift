import Domain
import Fluent
import Foundation

/// The stored rows one case file is made of (the case, its persons and their places, incidents,
/// uploaded evidence, orders and the other records), and the case file made of them. The court
/// dossier carries these rows beside the case file, so that an offline check can prove, row by
/// row, that the case file is what the audit log recorded: each row hashes to its last audit
/// record's hash, and the case file is what the rows make.
public struct CaseFileRows {
    var caseRow: CaseModel
    var persons: [PersonModel]
    var places: [PlaceModel]
    var incidents: [IncidentModel]
    var evidence: [EvidenceModel]
    var orders: [ProtectiveOrderModel]
    var records: [CaseRecordModel]
    /// The marks of incidents entered in error: those incidents are kept as rows but are no part
    /// of the case file.
    var errors: [IncidentErrorModel]

    /// The tables a case file is made of.
    public static let tables: Set<String> = [CaseModel.schema, PersonModel.schema, PlaceModel.schema, IncidentModel.schema,
                                             EvidenceModel.schema, ProtectiveOrderModel.schema, CaseRecordModel.schema,
                                             IncidentErrorModel.schema]

    /// One row as the dossier keeps it: its table, its key as the audit log names it, and its
    /// fields (the canonical JSON whose SHA-256 the audit record holds).
    public struct Line: Codable, Sendable {
        public var table: String
        public var key: String
        public var row: JSONValue
    }

    public func caseFile() throws -> CaseFile {
        let placesByPerson = Dictionary(grouping: places, by: { $0.$person.id })
        let uploaded = Dictionary(grouping: evidence, by: \.incidentID)
        let persons = persons.map { $0.person(places: placesByPerson[$0.id!] ?? []) }
        let inError = Set(errors.map(\.incidentID))
        var incidents = try incidents.filter { !inError.contains($0.id!) }.map { model in
            var incident = try model.incident()
            incident.evidence = EvidenceStore.merged(declared: incident.evidence, uploaded: uploaded[model.id!] ?? [])
            return incident
        }
        let orders = try orders.map { try $0.order() }
        let violated = OrderViolations.ordersByIncident(incidents: incidents, orders: orders)
        for index in incidents.indices { incidents[index].violates = violated[incidents[index].id] }
        func section<T: Decodable>(_ name: String, _ type: T.Type) throws -> [T] {
            try records.filter { $0.section == name }.map { try JSONColumn.decode(T.self, $0.body) }
        }
        let devices = try section("devices", Device.self)
        var risk = try section("riskAssessments", RiskAssessment.self)
        if risk.isEmpty, let legacy = try? JSONColumn.decodeOptional([RiskAssessment].self, caseRow.riskAssessments) {
            risk = legacy // written, before they were records, into the case row
        }
        return CaseFile(
            jurisdiction: caseRow.jurisdiction, case: caseRow.header, persons: persons, incidents: incidents,
            protectiveOrders: orders,
            administrativeCases: try section("administrativeCases", AdministrativeCase.self),
            criminalProceedings: try section("criminalProceedings", CriminalProceeding.self),
            verdicts: try section("verdicts", Verdict.self),
            riskAssessments: risk.isEmpty ? nil : risk,
            devices: devices.isEmpty ? nil : devices)
    }

    /// Every row, in the case file's order.
    public func lines() throws -> [Line] {
        func line<M: AuditedRow>(_ model: M) throws -> Line {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Line(table: M.schema, key: model.auditKey, row: try JSONDecoder().decode(JSONValue.self, from: encoder.encode(model)))
        }
        return try [line(caseRow)] + persons.map(line) + places.map(line) + incidents.map(line) + evidence.map(line)
            + orders.map(line) + records.map(line) + errors.map(line)
    }

    /// The rows of `lines()` read back; a line of a table that is no part of a case file, or a
    /// row that does not decode, is refused.
    public init(lines: [Line]) throws {
        let decoder = JSONDecoder()
        func model<M: Model>(_ line: Line, _ type: M.Type) throws -> M {
            try decoder.decode(M.self, from: JSONEncoder().encode(line.row))
        }
        var caseRow: CaseModel?
        var persons: [PersonModel] = [], places: [PlaceModel] = [], incidents: [IncidentModel] = []
        var evidence: [EvidenceModel] = [], orders: [ProtectiveOrderModel] = [], records: [CaseRecordModel] = []
        var errors: [IncidentErrorModel] = []
        for line in lines {
            switch line.table {
            case CaseModel.schema:
                guard caseRow == nil else { throw CaseFileRowsError(description: "two case rows") }
                caseRow = try model(line, CaseModel.self)
            case PersonModel.schema: persons.append(try model(line, PersonModel.self))
            case PlaceModel.schema: places.append(try model(line, PlaceModel.self))
            case IncidentModel.schema: incidents.append(try model(line, IncidentModel.self))
            case EvidenceModel.schema: evidence.append(try model(line, EvidenceModel.self))
            case ProtectiveOrderModel.schema: orders.append(try model(line, ProtectiveOrderModel.self))
            case CaseRecordModel.schema: records.append(try model(line, CaseRecordModel.self))
            case IncidentErrorModel.schema: errors.append(try model(line, IncidentErrorModel.self))
            default: throw CaseFileRowsError(description: "a row of table \(line.table), which is no part of a case file")
            }
        }
        guard let caseRow else { throw CaseFileRowsError(description: "no case row") }
        self.init(caseRow: caseRow, persons: persons, places: places, incidents: incidents, evidence: evidence, orders: orders,
                  records: records, errors: errors)
    }

    init(caseRow: CaseModel, persons: [PersonModel], places: [PlaceModel], incidents: [IncidentModel], evidence: [EvidenceModel],
         orders: [ProtectiveOrderModel], records: [CaseRecordModel], errors: [IncidentErrorModel]) {
        self.caseRow = caseRow; self.persons = persons; self.places = places; self.incidents = incidents
        self.evidence = evidence; self.orders = orders; self.records = records; self.errors = errors
    }

    /// The SHA-256 of a line's row, as `RowHash` takes it of the stored row.
    public static func hash(of line: Line) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return SHA256Hex.of(try encoder.encode(line.row))
    }
}

public struct CaseFileRowsError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
