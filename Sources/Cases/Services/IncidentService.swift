import Domain
import Fluent
import Foundation
import Store

/// The incidents of a case and the files that prove them, from the API, the case page and the
/// victim's diary alike: logged (a victim logs as herself), corrected as a new version with its
/// reason, marked as entered in error and the mark taken back, added to by the victim (words to
/// the entries she logged herself), and evidence attached (by a victim, to entries reported by the
/// victim only).
public struct IncidentService: Sendable {
    let db: any Database
    let caller: Caller
    let writer: IncidentWriter?

    /// With a `writer`, new incidents are group-committed with those of concurrent requests.
    public init(db: any Database, caller: Caller, writer: IncidentWriter? = nil) {
        self.db = db; self.caller = caller; self.writer = writer
    }

    private var store: IncidentStore { IncidentStore(db: db, writer: writer) }
    private var principal: Principal { caller.principal }

    /// Body: an incident as in the case file, its id optional.
    public func log(_ caseID: UUID, _ body: JSONNode) async throws -> StoredIncident {
        let incident = FieldReader().incident(body, requireID: false)
        if let incident { refuseOthersVoice(incident) { body["reportedBy"].fail($0) } }
        try body.throwIfInvalid()
        return try await log(incident!, to: caseID)
    }

    public func log(_ incident: Incident, to caseID: UUID) async throws -> StoredIncident {
        var refusal: String?
        refuseOthersVoice(incident) { refusal = $0 }
        if let refusal { throw ValidationFailure(pointer: "/reportedBy", message: refusal) }
        return try await store.add(incident, to: caseID, by: principal)
    }

    /// A victim speaks for herself: what she logs is reported by the victim, never by the police.
    private func refuseOthersVoice(_ incident: Incident, _ fail: (String) -> Void) {
        if caller.isVictim, incident.reportedBy != .victim { fail("a victim logs incidents as reportedBy \"victim\"") }
    }

    /// Body: `{"incident": {…the corrected incident…}, "reason": "…", "expectedVersion": 1 (opt)}`.
    public func correct(_ id: UUID, caseID: UUID, _ body: JSONNode) async throws -> StoredIncident {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let incident = FieldReader().incident(body["incident"], requireID: false)
        let reason = body["reason"].string(maxLength: 2000)
        let expected = body["expectedVersion"].int(required: false, in: 1...Int(Int32.max))
        try body.throwIfInvalid()
        return try await correct(id, caseID: caseID, with: incident!, reason: reason!, expectedVersion: expected)
    }

    public func correct(_ id: UUID, caseID: UUID, with incident: Incident, reason: String, expectedVersion: Int?) async throws -> StoredIncident {
        try await store.correct(id, caseID: caseID, with: incident, reason: reason, expectedVersion: expectedVersion, by: principal)
    }

    /// An entry the calling victim may add to, read once for all she adds in one go: a file to
    /// any entry reported by the victim that another victim did not log, words only to one she
    /// logged herself. An entry the police took down from "the victim", or one a case file brought
    /// in, may be read by another victim of the case, now or once she is granted it, and its one
    /// description would carry the words to her (a file added to it stays hers alone).
    public struct OwnEntry: Sendable {
        public let stored: StoredIncident
        public let mayAddWords: Bool
    }

    public static let wordsOnEntryNotHers = DomainError.conflict(
        "words are added only to an entry she logged herself (another victim of the case may read this one): log them as a new entry")

    public func ownEntry(_ id: UUID, caseID: UUID) async throws -> OwnEntry {
        guard caller.isVictim else { throw DomainError.forbidden("officers correct an incident, they do not add to it") }
        let authorship = try await authorship(caseID: caseID)
        let stored = try await store.get(id, caseID: caseID, scope: principal.scope)
        // another victim's entry does not exist for her: the same answer as an id of no incident
        guard !authorship.others.contains(id) else { throw DomainError.notFound("incident") }
        guard stored.incident.reportedBy == .victim else { throw DomainError.forbidden("only an entry the victim logged can be added to here") }
        return OwnEntry(stored: stored, mayAddWords: authorship.hers.contains(id))
    }

    /// Words added to an entry she logged herself: a new version whose description ends with
    /// `addition`, the earlier wording kept.
    public func addWords(_ addition: String, to entry: OwnEntry) async throws -> StoredIncident {
        guard entry.mayAddWords else { throw Self.wordsOnEntryNotHers }
        var added = entry.stored.incident
        added.description += "\n\n" + addition
        return try await store.correct(entry.stored.id, caseID: entry.stored.caseID, with: added, reason: SystemReason.addedByVictim.rawValue,
                                       expectedVersion: nil, by: principal)
    }

    public func addToOwnEntry(_ id: UUID, caseID: UUID, addition: String) async throws -> StoredIncident {
        try await addWords(addition, to: try await ownEntry(id, caseID: caseID))
    }

    /// The entries of a case a victim's account logged (stored ids), split into the calling
    /// victim's and the other victims'. Empty for anyone else.
    public struct Authorship: Sendable {
        public var hers: Set<UUID> = []
        public var others: Set<UUID> = []
    }

    public func authorship(caseID: UUID) async throws -> Authorship {
        guard caller.isVictim else { return Authorship() }
        try await CaseStore(db: db).requireCase(caseID, scope: principal.scope) // nothing read of a case she may not see
        let mine = UUID(uuidString: principal.subject)
        var split = Authorship()
        for (entry, account) in try await store.loggedByVictims(caseID: caseID) {
            if account == mine { split.hers.insert(entry) } else { split.others.insert(entry) }
        }
        return split
    }

    /// The entries of a case another victim's account logged (stored ids): left out of what the
    /// calling victim reads (her diary, the API's incidents, their evidence and the order
    /// violations they show) and closed to her additions. Empty for anyone else.
    public func othersEntries(caseID: UUID) async throws -> Set<UUID> {
        try await authorship(caseID: caseID).others
    }

    /// The incidents the caller may read, in time order: to a victim, not another victim's
    /// entries, and where those she did not log took place in words only.
    public func list(caseID: UUID, filter: IncidentFilter, limit: Int, after cursor: Cursor?) async throws -> Store.Page<StoredIncident> {
        var filter = filter
        let authorship = try await authorship(caseID: caseID)
        filter.hidden = authorship.others
        var page = try await store.list(caseID: caseID, filter: filter, scope: principal.scope, limit: limit, after: cursor)
        page.items = page.items.map { placedInWords($0, unlessIn: authorship.hers) }
        return page
    }

    /// An incident the caller may read; another victim's entry is, to a victim, an id of nothing.
    public func get(_ id: UUID, caseID: UUID) async throws -> StoredIncident {
        let stored = try await store.get(id, caseID: caseID, scope: principal.scope)
        let authorship = try await authorship(caseID: caseID)
        guard !authorship.others.contains(id) else { throw DomainError.notFound("incident") }
        return placedInWords(stored, unlessIn: authorship.hers)
    }

    /// To a victim, an entry she did not log herself without its coordinates (its place's words
    /// kept): a breach the monitoring recorded is the respondent's position at the edge of a zone,
    /// perhaps another victim's shelter, or near another victim's phone.
    private func placedInWords(_ stored: StoredIncident, unlessIn hers: Set<UUID>) -> StoredIncident {
        guard caller.isVictim, !hers.contains(stored.id) else { return stored }
        var shown = stored
        shown.incident.place?.lat = nil
        shown.incident.place?.lon = nil
        return shown
    }

    /// Of a case file's incidents, those the caller may read (to a victim, not another victim's).
    public func readable(_ incidents: [Incident], caseID: UUID) async throws -> [Incident] {
        let hidden = try await othersEntries(caseID: caseID)
        guard !hidden.isEmpty else { return incidents }
        let refs = try await store.refs(caseID: caseID)
        let hiddenRefs = Set(hidden.compactMap { refs[$0] })
        return incidents.filter { !hiddenRefs.contains($0.id) }
    }

    /// The evidence of a case the caller may see (to a victim, not another victim's).
    public func evidence(caseID: UUID) async throws -> [StoredEvidence] {
        let items = try await EvidenceStore(db: db).list(caseID: caseID, scope: principal.scope)
        let hidden = try await othersEvidence(items, caseID: caseID)
        return items.filter { !hidden.contains($0.id) }
    }

    /// One item of evidence the caller may see; another victim's is, to a victim, an id of nothing.
    public func evidence(_ id: UUID, caseID: UUID) async throws -> StoredEvidence {
        let item = try await EvidenceStore(db: db).get(id, caseID: caseID, scope: principal.scope)
        guard try await othersEvidence([item], caseID: caseID).isEmpty else { throw DomainError.notFound("evidence") }
        return item
    }

    /// Of a case's evidence, the items the calling victim may not see: those of another victim's
    /// entries, and those another victim's account added (to an entry the two share, one an
    /// officer took down or a case file brought in). Empty for anyone else.
    func othersEvidence(_ items: [StoredEvidence], caseID: UUID) async throws -> Set<UUID> {
        guard caller.isVictim, !items.isEmpty else { return [] }
        let entries = try await othersEntries(caseID: caseID)
        let otherVictims = try await store.victimAccounts(among: Set(items.map(\.addedBy)).subtracting([principal.subject]))
        return Set(items.filter { entries.contains($0.incidentID) || otherVictims.contains($0.addedBy) }.map(\.id))
    }

    /// Body: `{"reason": "…"}`. The incident is kept with its versions; the case file (and so the
    /// assessment, deadlines and dossier) leaves it out until the mark is taken back.
    public func markEnteredInError(_ id: UUID, caseID: UUID, _ body: JSONNode) async throws -> StoredIncident {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let reason = body["reason"].string(maxLength: 2000)
        try body.throwIfInvalid()
        return try await markEnteredInError(id, caseID: caseID, reason: reason!)
    }

    public func markEnteredInError(_ id: UUID, caseID: UUID, reason: String) async throws -> StoredIncident {
        try await store.markEnteredInError(id, caseID: caseID, reason: reason, by: principal)
    }

    /// Takes the mark back: the incident counts again.
    public func unmarkEnteredInError(_ id: UUID, caseID: UUID) async throws -> StoredIncident {
        try await store.unmarkEnteredInError(id, caseID: caseID, by: principal)
    }

    /// A file already kept in the blob store (by its SHA-256) attached to an incident as evidence;
    /// `created` is false when the incident already had this content. A victim attaches only to
    /// entries reported by the victim, as she adds words only to those.
    @discardableResult
    public func attach(_ file: EvidenceFile, to incidentID: UUID, caseID: UUID) async throws -> (evidence: StoredEvidence, created: Bool) {
        if caller.isVictim { return try await attach(file, to: try await ownEntry(incidentID, caseID: caseID)) }
        return try await EvidenceStore(db: db).add(caseID: caseID, incidentID: incidentID, sha256: file.sha256, name: file.name,
                                            mediaType: file.mediaType, size: file.size, scope: principal.scope)
    }

    /// A victim's file for an entry she may add to, already read (`ownEntry`).
    public func attach(_ file: EvidenceFile, to entry: OwnEntry) async throws -> (evidence: StoredEvidence, created: Bool) {
        try await EvidenceStore(db: db).add(caseID: entry.stored.caseID, incidentID: entry.stored.id, sha256: file.sha256, name: file.name,
                                            mediaType: file.mediaType, size: file.size, scope: principal.scope)
    }
}
