import Fluent
import Foundation

/// The audit verifications run from the auditor's page: one at a time, the latest shown.
public struct AuditVerificationStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// A run not finished after this long is taken for one whose instance stopped mid-way.
    public static let abandonedAfter: Int64 = 60 * 60 * 1000

    public struct Run: Sendable {
        public var id: UUID
        public var startedBy: String
        public var startedAt: Int64
        public var finishedAt: Int64?
        public var report: AuditReport?
        public var failure: String?
        /// Still going (not finished, and not abandoned).
        public func running(now: Int64) -> Bool { finishedAt == nil && now - startedAt < AuditVerificationStore.abandonedAfter }
    }

    public func latest() async throws -> Run? {
        try await AuditVerificationModel.query(on: db).sort(\.$startedAt, .descending).first().map(Self.run)
    }

    /// Records a new run, unless one is still going (nil then).
    public func start(by actor: String, now: Int64) async throws -> UUID? {
        if let last = try await latest(), last.running(now: now) { return nil }
        let model = AuditVerificationModel()
        model.id = UUID()
        model.startedBy = actor
        model.startedAt = now
        try await model.create(on: db)
        return model.id
    }

    public func finish(_ id: UUID, report: AuditReport, now: Int64) async throws {
        let text = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        try await AuditVerificationModel.query(on: db).filter(\.$id == id)
            .set(\.$finishedAt, to: now).set(\.$report, to: text).update()
    }

    public func fail(_ id: UUID, because failure: String, now: Int64) async throws {
        try await AuditVerificationModel.query(on: db).filter(\.$id == id)
            .set(\.$finishedAt, to: now).set(\.$failure, to: String(failure.prefix(1000))).update()
    }

    private static func run(_ model: AuditVerificationModel) throws -> Run {
        Run(id: try model.requireID(), startedBy: model.startedBy, startedAt: model.startedAt, finishedAt: model.finishedAt,
            report: try model.report.map { try JSONDecoder().decode(AuditReport.self, from: Data($0.utf8)) }, failure: model.failure)
    }
}
