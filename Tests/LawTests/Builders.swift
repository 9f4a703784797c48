import Domain
import Foundation
import Law

/// Small case files for the law tests: incidents written as (id, date, kind) with the flags and
/// impacts a test cares about.
func incident(_ id: String, _ date: String, _ kind: IncidentKind = .contact, againstWill: Bool = true,
              violence: Bool = false, impact: [Impact] = [.fear], offset: String = "+05:00") -> Incident {
    Incident(id: id, occurredAt: ZonedDateTime("\(date)T12:00:00\(offset)")!, kind: kind, channel: .inPerson,
             description: "episode \(id)", againstWill: againstWill, violence: violence, reportedBy: .victim, impact: impact)
}

func caseFile(_ incidents: [Incident]) -> CaseFile { caseFile("KZ", incidents) }

func caseFile(_ jurisdiction: String, _ incidents: [Incident]) -> CaseFile {
    CaseFile(jurisdiction: jurisdiction, case: CaseHeader(openedAt: ZonedDateTime("2025-09-01T09:00:00+05:00")!),
             persons: [Person(id: "v", role: .victim, name: "V"), Person(id: "r", role: .respondent, name: "R")],
             incidents: incidents)
}

let packs = try! PackLibrary.load(environment: [:])

func assess(_ file: CaseFile, at: String, language: Language = .en) -> Assessment {
    Assessor(pack: packs[file.jurisdiction]!).assess(file, at: LocalDate(at)!, language: language)
}

func offence(_ a: Assessment, _ id: String) -> OffenceAssessment {
    a.offences.first { $0.offence == id }!
}

func status(_ o: OffenceAssessment, _ element: String) -> ElementStatus? {
    o.elements.first { $0.element == element }?.status
}

/// The seed case from the demo (shared/LAW.md, Almaty), read like any import.
func seedCase() throws -> CaseFile {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Cases/Resources/demo/01-seed-almaty.json")
    return try CaseFileReader().read(data: try Data(contentsOf: url))
}
