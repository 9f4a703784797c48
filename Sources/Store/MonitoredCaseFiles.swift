import Domain
import Fluent
import Foundation
import SQLKit

/// The case files the monitoring engines are built from at start: every case with devices, and
/// of each its persons without their places, its orders and its devices. Its incidents, evidence
/// and other records, most of a case's rows, are not read: the engines do not use them.
///
/// Read with plain SQL, 500 cases at a time: Fluent finds a model's properties by reflection for
/// every row it decodes, which was most of the half minute 100,000 cases took. Each row is put
/// into the model the rest of the store reads, field by field, so the case file is made by the
/// same mapping as an export's.
extension CaseFileStore {
    /// Every case with devices: where each device's pings go and which unit hears the case, read
    /// without building anything else (a start routes pings at once and builds engines after).
    public func monitoredDevices() async throws -> [UUID: (unit: String?, devices: [String])] {
        let sql = try AuditChain.sqlDatabase(db)
        var found: [UUID: (unit: String?, devices: [String])] = [:]
        // one query with the case's unit joined: at 100,000 cases, asking for the units 500 cases
        // at a time was 200 more round trips before the first ping could be checked
        for row in try await sql.select().column(SQLColumn("case_id", table: "r")).column(SQLColumn("ref", table: "r"))
            .column(SQLColumn("unit", table: "c"))
            .from(SQLAlias(SQLIdentifier(CaseRecordModel.schema), as: SQLIdentifier("r")))
            .join(SQLAlias(SQLIdentifier(CaseModel.schema), as: SQLIdentifier("c")), method: SQLJoinMethod.inner,
                  on: SQLColumn("id", table: "c"), .equal, SQLColumn("case_id", table: "r"))
            .where(SQLColumn("section", table: "r"), .equal, SQLBind("devices"))
            .orderBy(SQLColumn("seq", table: "r")).orderBy(SQLColumn("ref", table: "r")).all() {
            let id = try row.decode(column: "case_id", as: UUID.self)
            if found[id] == nil { found[id] = (try row.decode(column: "unit", as: String?.self), []) }
            found[id]!.devices.append(try row.decode(column: "ref", as: String.self))
        }
        return found
    }

    /// The case files the engines are built from: of every case with devices, or of `only` these.
    public func monitoredCaseFiles(only: [UUID]? = nil) async throws -> [(CaseSummary, CaseFile)] {
        let sql = try AuditChain.sqlDatabase(db)
        var devicesByCase: [UUID: [Device]] = [:]
        if let only {
            for some in only.chunks(of: 500) {
                for row in try await sql.select().columns("case_id", "body").from(CaseRecordModel.schema)
                    .where("section", .equal, SQLBind("devices")).where("case_id", .in, SQLBind.group(some)).orderBy("seq").orderBy("ref").all() {
                    devicesByCase[try row.decode(column: "case_id", as: UUID.self), default: []]
                        .append(try JSONColumn.decode(Device.self, try row.decode(column: "body", as: String.self)))
                }
            }
        } else {
            for row in try await sql.select().columns("case_id", "body").from(CaseRecordModel.schema)
                .where("section", .equal, SQLBind("devices")).orderBy("seq").orderBy("ref").all() {
                devicesByCase[try row.decode(column: "case_id", as: UUID.self), default: []]
                    .append(try JSONColumn.decode(Device.self, try row.decode(column: "body", as: String.self)))
            }
        }
        let ids = devicesByCase.keys.sorted()
        var result: [(CaseSummary, CaseFile)] = []
        result.reserveCapacity(ids.count)
        for some in ids.chunks(of: 500) {
            let chunk = SQLBind.group(some)
            let cases = try await sql.select().columns("id", "number", "jurisdiction", "opened_at_ms", "opened_offset", "unit", "status",
                                                       "created_at_ms", "version")
                .from(CaseModel.schema).where("id", .in, chunk).orderBy("created_at_ms").orderBy("id").all().map(Self.caseModel)
            let persons = Dictionary(grouping: try await sql.select()
                .columns("case_id", "ref", "role", "name", "birth_date", "iin", "relationship")
                .from(PersonModel.schema).where("case_id", .in, chunk).orderBy("seq").orderBy("ref").all().map(Self.personModel),
                by: { $0.$case.id })
            let orders = Dictionary(grouping: try await sql.select()
                .columns("case_id", "ref", "type", "issued_at_ms", "issued_offset", "valid_until_ms", "valid_until_offset", "issuer",
                         "conditions", "revoked_at_ms", "revoked_offset")
                .from(ProtectiveOrderModel.schema).where("case_id", .in, chunk).orderBy("seq").orderBy("ref").all().map(Self.orderModel),
                by: { $0.$case.id })
            for model in cases {
                let caseID = try model.requireID()
                let file = CaseFile(jurisdiction: model.jurisdiction, case: model.header,
                                    persons: (persons[caseID] ?? []).map { $0.person(places: []) }, incidents: [],
                                    protectiveOrders: try (orders[caseID] ?? []).map { try $0.order() },
                                    devices: devicesByCase[caseID])
                result.append((try model.summary(), file))
            }
        }
        return result
    }

    private static func caseModel(_ row: any SQLRow) throws -> CaseModel {
        let model = CaseModel()
        model.id = try row.decode(column: "id", as: UUID.self)
        model.number = try row.decode(column: "number", as: String?.self)
        model.jurisdiction = try row.decode(column: "jurisdiction", as: String.self)
        model.openedAt = try row.decode(column: "opened_at_ms", as: Int64.self)
        model.openedOffset = try row.decode(column: "opened_offset", as: Int.self)
        model.unit = try row.decode(column: "unit", as: String?.self)
        model.status = try row.decode(column: "status", as: String.self)
        model.createdAt = try row.decode(column: "created_at_ms", as: Int64.self)
        model.version = try row.decode(column: "version", as: Int.self)
        return model
    }

    private static func personModel(_ row: any SQLRow) throws -> PersonModel {
        let model = PersonModel()
        model.$case.id = try row.decode(column: "case_id", as: UUID.self)
        model.ref = try row.decode(column: "ref", as: String.self)
        model.role = try row.decode(column: "role", as: String.self)
        model.name = try row.decode(column: "name", as: String.self)
        model.birthDate = try row.decode(column: "birth_date", as: String?.self)
        model.iin = try row.decode(column: "iin", as: String?.self)
        model.relationship = try row.decode(column: "relationship", as: String?.self)
        return model
    }

    private static func orderModel(_ row: any SQLRow) throws -> ProtectiveOrderModel {
        let model = ProtectiveOrderModel()
        model.$case.id = try row.decode(column: "case_id", as: UUID.self)
        model.ref = try row.decode(column: "ref", as: String.self)
        model.type = try row.decode(column: "type", as: String.self)
        model.issuedAt = try row.decode(column: "issued_at_ms", as: Int64.self)
        model.issuedOffset = try row.decode(column: "issued_offset", as: Int.self)
        model.validUntil = try row.decode(column: "valid_until_ms", as: Int64.self)
        model.validUntilOffset = try row.decode(column: "valid_until_offset", as: Int.self)
        model.issuer = try row.decode(column: "issuer", as: String.self)
        model.conditions = try row.decode(column: "conditions", as: String.self)
        model.revokedAt = try row.decode(column: "revoked_at_ms", as: Int64?.self)
        model.revokedOffset = try row.decode(column: "revoked_offset", as: Int?.self)
        return model
    }
}
