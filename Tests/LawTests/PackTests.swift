import Domain
import Foundation
import Law
import Testing

@Suite struct PackTests {
    static let bundled = ["KZ", "DE", "GB-EAW"]

    @Test func theShippedPacksLoad() throws {
        let library = try PackLibrary.load(environment: [:])
        #expect(library.codes == Set(Self.bundled))
        #expect(library["KZ"]?.offence("KZ.CC.115-1")?.citation.inForce.value == LocalDate("2025-09-16"))
        #expect(library["KZ"]?.unit?.value(on: LocalDate("2025-06-01")!)?.value == 3932)
        #expect(library["KZ"]?.unit?.value(on: LocalDate("2026-01-01")!)?.value == 4325)
    }

    func kzText() throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Law/Resources/jurisdictions/KZ.yaml")
        return try String(contentsOf: url, encoding: .utf8)
    }

    func lineNumber(of needle: String, in text: String) -> Int {
        text.components(separatedBy: "\n").firstIndex { $0.contains(needle) }! + 1
    }

    func error(loading text: String) -> PackError? {
        do { _ = try PackLoader.load(text: text, fileName: "KZ.yaml"); return nil } catch let e as PackError { return e } catch {
            Issue.record("unexpected \(error)"); return nil
        }
    }

    @Test func anUnknownIncidentKindNamesTheFileAndLine() throws {
        let text = try kzText().replacingOccurrences(of: "kinds: [contact, tracking, threat, privacyIntrusion, publicConflict]",
                                                     with: "kinds: [contact, stalking, threat, privacyIntrusion, publicConflict]")
        let found = try #require(error(loading: text))
        #expect(found.file == "KZ.yaml")
        #expect(found.line == lineNumber(of: "kinds: [contact, stalking", in: text))
        #expect(found.description.contains("KZ.yaml:"))
    }

    @Test func aMinimumAboveTheMaximumIsRefused() throws {
        let text = try kzText().replacingOccurrences(of: "min: {value: 20, verified: true, source: \"CC art. 42(3)\"}",
                                                     with: "min: {value: 201, verified: true, source: \"CC art. 42(3)\"}")
        let found = try #require(error(loading: text))
        #expect(found.message.contains("min 201 is above max 200"))
        #expect(found.line == lineNumber(of: "min: {value: 201", in: text))
    }

    @Test func aMissingFieldIsNamed() throws {
        let text = try kzText().replacingOccurrences(of: "    category: criminalMisdemeanour\n", with: "")
        let found = try #require(error(loading: text))
        #expect(found.message.contains("category"))
    }

    @Test func brokenYAMLGivesItsLine() throws {
        let text = try kzText().replacingOccurrences(of: "currency: KZT", with: "currency: [KZT")
        let found = try #require(error(loading: text))
        #expect(found.line != nil)
        #expect(found.message.hasPrefix("not valid YAML"))
    }

    @Test func aParameterThatDoesNotExist() throws {
        let text = try kzText().replacingOccurrences(of: "minimumEpisodes: minimumEpisodes", with: "minimumEpisodes: minimumEpisode")
        #expect(error(loading: text)?.message.contains("unknown parameter minimumEpisode") == true)
    }

    @Test func aDeploymentCorrectsAFigureWithoutARelease() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("packs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corrected = try kzText().replacingOccurrences(
            of: "minimumEpisodes: {value: 2, verified: false", with: "minimumEpisodes: {value: 3, verified: true")
        try corrected.write(to: folder.appendingPathComponent("KZ.yaml"), atomically: true, encoding: .utf8)

        let library = try PackLibrary.load(environment: ["QORGAU_PACKS": folder.path])
        #expect(library.codes == Set(Self.bundled))
        let file = caseFile([incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-10-02", impact: [.changedJob])])
        let o = Assessor(pack: library["KZ"]!).assess(file, at: LocalDate("2025-12-01")!).offences[0]
        #expect(o.conclusion == .insufficient)
        #expect(!o.unverified.contains("minimumEpisodes"))
    }

    @Test func aMissingPacksFolderIsAClearError() {
        #expect(throws: PackError.self) { try PackLibrary.load(environment: ["QORGAU_PACKS": "/nonexistent/packs"]) }
    }
}
