import Domain
import Fluent
import Foundation
import Law
import Store

/// Opening a case and correcting its header (number, unit, status), for the API and the
/// dashboard's form alike: a case opens in the caller's own unit, an investigator who opens one
/// keeps access to it, and only the case's own unit moves it to another.
public struct CaseService: Sendable {
    let db: any Database
    let packs: PackLibrary
    let caller: Caller

    public init(db: any Database, packs: PackLibrary, caller: Caller) { self.db = db; self.packs = packs; self.caller = caller }

    private var store: CaseStore { CaseStore(db: db) }

    /// Body: `{"jurisdiction", "number"?, "openedAt", "unit"?}`.
    public func open(_ body: JSONNode) async throws -> CaseSummary {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let jurisdiction = body["jurisdiction"].string()
        let known = packs.codes
        if let jurisdiction, !known.contains(jurisdiction) {
            body["jurisdiction"].fail("unknown jurisdiction \"\(jurisdiction)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        let header = FieldReader().header(body)
        try body.throwIfInvalid()
        return try await open(jurisdiction: jurisdiction!, header: header!)
    }

    public func open(jurisdiction: String, header: CaseHeader) async throws -> CaseSummary {
        guard packs.codes.contains(jurisdiction) else {
            throw ValidationFailure(pointer: "/jurisdiction", message: "unknown jurisdiction \"\(jurisdiction)\"")
        }
        var header = header
        header.unit = try await unitForNewCase(header.unit, pointer: "/unit")
        let summary = try await store.create(jurisdiction: jurisdiction, header: header, by: caller.principal)
        try await grantToCreator(summary.id)
        return summary
    }

    /// An investigator who opens a case keeps access to it, granted in her own name (her scope
    /// does not hold the case until the grant does).
    func grantToCreator(_ caseID: UUID) async throws {
        guard let user = caller.user, user.role.seesGrantedCases else { return }
        var granter = caller.principal
        granter.scope = .limited(units: [], cases: [caseID])
        try await AccessStore(db: db).grant(caseID: caseID, to: user, by: granter)
    }

    /// Body: `{"number"?, "unit"?, "status"?: "open"|"closed", "reason", "expectedVersion"?}`.
    public func correct(_ id: UUID, _ body: JSONNode) async throws -> CaseSummary {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let number = body["number"].string(required: false, maxLength: 100)
        let unit = body["unit"].string(required: false, maxLength: 500)
        let status = body["status"].word(CaseStatus.self, required: false)
        let reason = body["reason"].string(maxLength: 2000)
        let expected = body["expectedVersion"].int(required: false, in: 1...Int(Int32.max))
        try body.throwIfInvalid()
        let changes = CaseChanges(number: number.map { .some($0) }, unit: unit.map { .some($0) }, status: status)
        return try await correct(id, changes: changes, reason: reason!, expectedVersion: expected)
    }

    public func correct(_ id: UUID, changes: CaseChanges, reason: String, expectedVersion: Int?) async throws -> CaseSummary {
        if case .some(let unit) = changes.unit { try await checkTransfer(of: id, to: unit) }
        return try await store.correct(id, changes: changes, reason: reason, expectedVersion: expectedVersion, by: caller.principal)
    }

    /// The unit a new case gets: whoever belongs to a unit opens cases in it (the unit may be left
    /// out); someone without a unit opens cases without one (an investigator keeps them by the
    /// grant made to whoever opens a case), which a unit's officer may then take over.
    func unitForNewCase(_ requested: String?, pointer: String) async throws -> String? {
        guard let user = caller.user else { return requested } // the command line: a unit it names joins the list
        if let own = user.unit {
            guard let requested else { return own }
            guard requested == own else {
                throw ValidationFailure(pointer: pointer, message: "you open cases in your own unit (\"\(own)\"), not another")
            }
            return requested
        }
        guard requested == nil || caller.principal.scope == .all else {
            throw ValidationFailure(pointer: pointer, message: "you belong to no unit: leave the unit out")
        }
        try await requireKnownUnit(requested, pointer: pointer)
        return requested
    }

    /// Moving a case to another unit: only someone of the case's own unit (or the command line,
    /// which sees every case) moves it, and only to a unit that exists; a case of no unit may be
    /// given one by whoever may edit it.
    func checkTransfer(of caseID: UUID, to unit: String?) async throws {
        guard let current = try await store.unit(of: caseID), caller.principal.scope.allows(caseID, unit: current) else {
            throw DomainError.notFound("case")
        }
        guard unit != current else { return }
        if caller.principal.scope != .all, let current, caller.user?.unit != current {
            throw DomainError.forbidden("only the case's own unit moves it to another")
        }
        try await requireKnownUnit(unit, pointer: "/unit")
    }

    private func requireKnownUnit(_ unit: String?, pointer: String) async throws {
        guard let unit else { return }
        guard try await store.isKnownUnit(unit) else { throw ValidationFailure(pointer: pointer, message: "there is no such unit") }
    }
}
