import Domain
import Fluent
import Foundation
import Law
import Store

/// Gathers what a dossier shows: the case file, its assessment today, the evidence, the case's
/// audit records and the chain's head.
package struct DossierContent {
    package var caseID: UUID
    package var file: CaseFile
    package var page: String
    package var evidence: [StoredEvidence]
    package var records: [AuditRecord]
    /// The stored rows the case file is made of, to check it against the audit records offline.
    package var rows: [CaseFileRows.Line]
    package var head: ChainHead
    package var madeAt: String

    /// `track`: where the breaches' tracks are read (the server's chosen storage; the command line
    /// reads through the driver).
    package static func make(caseID: UUID, scope: CaseScope, db: any Database, track: any TrackStorage = DriverTrack(),
                             packs: PackLibrary, catalogs: Catalogs, language: Language = .en, now: Date = Date()) async throws -> DossierContent {
        let rows = try await CaseFileStore(db: db).rows(caseID: caseID, scope: scope)
        let file = try rows.caseFile()
        let pack = try packs.pack(for: file.jurisdiction)
        let assessment = try packs.assessor(for: pack.code).assess(file, at: pack.today(), language: language)
        let evidence = try await EvidenceStore(db: db).list(caseID: caseID, scope: scope)
        let refs = try await IncidentStore(db: db).refs(caseID: caseID)
        let audit = AuditStore(db: db)
        let head = try await audit.head()
        let madeAt = ZonedDateTime(epochMilliseconds: Int64(now.timeIntervalSince1970 * 1000), offsetSeconds: 0).description
        let t = catalogs.words(language.rawValue)
        let format = LocaleFormat(language: language.rawValue, timeZone: TimeZone(identifier: pack.timeZone) ?? .current)
        let breaches = try await BreachFigures.make(caseID: caseID, scope: scope, file: file, db: db, track: track, t: t, format: format,
                                                    words: CaseWords(t: t, format: format, pack: pack, language: language, file: file))
        let page = try await DossierPage.render(.init(file: file, assessment: assessment, evidence: evidence, incidentRefs: refs,
                                                      head: head, madeAt: now, pack: pack, t: t, breaches: breaches))
        return DossierContent(caseID: caseID, file: file, page: page, evidence: evidence,
                              records: try await audit.records(caseID: caseID), rows: try rows.lines(), head: head, madeAt: madeAt)
    }
}
