import Domain
import Fluent
import Foundation

/// A table whose every change is written to the audit log with the row's hash, so that
/// `qorgau audit verify` can tell whether a row still holds what was recorded.
protocol AuditedRow: Model {
    /// The row's key as the audit log names it.
    var auditKey: String { get }
    /// The case the row belongs to, when the row itself says.
    var auditCaseID: UUID? { get }
}

extension AuditedRow where IDValue == UUID {
    var auditKey: String { id?.apiString ?? "" }
}

/// Every audited table, for the verifier.
enum AuditedTables {
    static let all: [any AuditedRow.Type] = [
        CaseModel.self, PersonModel.self, PlaceModel.self, IncidentModel.self, IncidentVersionModel.self,
        RecordVersionModel.self, ProtectiveOrderModel.self, CaseRecordModel.self, AlertModel.self,
        CaseAccessModel.self, EvidenceModel.self, IncidentErrorModel.self,
    ]
}

extension CaseModel: AuditedRow { var auditCaseID: UUID? { id } }
extension PersonModel: AuditedRow { var auditCaseID: UUID? { $case.id } }
extension PlaceModel: AuditedRow { var auditCaseID: UUID? { nil } }
extension IncidentModel: AuditedRow { var auditCaseID: UUID? { $case.id } }
extension IncidentVersionModel: AuditedRow { var auditCaseID: UUID? { nil } }
extension RecordVersionModel: AuditedRow { var auditCaseID: UUID? { nil } }
extension ProtectiveOrderModel: AuditedRow { var auditCaseID: UUID? { $case.id } }
extension CaseRecordModel: AuditedRow { var auditCaseID: UUID? { $case.id } }
extension IncidentErrorModel: AuditedRow { var auditCaseID: UUID? { $case.id } }
extension AlertModel: AuditedRow { var auditCaseID: UUID? { caseID } }
extension CaseAccessModel: AuditedRow {
    var auditKey: String { id.map { "\($0.caseID.apiString)/\($0.userID.apiString)" } ?? "" }
    var auditCaseID: UUID? { id?.caseID }
}
