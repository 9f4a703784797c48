import Domain
import Fluent
import Foundation
import Store

/// The people of a case (victim, respondent, witnesses), added and corrected from the API and the
/// case page alike. A correction keeps the version it replaces with its reason; the engines and the
/// search follow through the change signal.
public struct PersonService: Sendable {
    let db: any Database
    let caller: Caller

    public init(db: any Database, caller: Caller) { self.db = db; self.caller = caller }

    private var store: PersonStore { PersonStore(db: db) }

    /// Body: a person as in the case file, without its id.
    public func add(_ caseID: UUID, _ body: JSONNode) async throws -> StoredPerson {
        let person = FieldReader().person(body, requireID: false)
        try body.throwIfInvalid()
        return try await add(person!, to: caseID)
    }

    public func add(_ person: Person, to caseID: UUID) async throws -> StoredPerson {
        try await store.add(person, to: caseID, scope: caller.principal.scope)
    }

    /// Body: `{"person": {…the corrected person with all places…}, "reason": "…", "expectedVersion": 1 (opt)}`.
    public func correct(_ id: UUID, caseID: UUID, _ body: JSONNode) async throws -> StoredPerson {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let person = FieldReader().person(body["person"], requireID: false)
        let reason = body["reason"].string(maxLength: 2000)
        let expected = body["expectedVersion"].int(required: false, in: 1...Int(Int32.max))
        try body.throwIfInvalid()
        return try await correct(id, caseID: caseID, with: person!, reason: reason!, expectedVersion: expected)
    }

    public func correct(_ id: UUID, caseID: UUID, with person: Person, reason: String, expectedVersion: Int?) async throws -> StoredPerson {
        try await store.correct(id, caseID: caseID, with: person, reason: reason, expectedVersion: expectedVersion, by: caller.principal)
    }
}
