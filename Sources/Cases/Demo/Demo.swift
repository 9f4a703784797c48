import Domain
import Fluent
import Foundation
import Store

/// The demo: the Almaty seed case and a few cases of other shapes, kept as case files in
/// Resources/demo so they are readable, and valid by the same rules as any import.
public enum Demo {
    public static var caseFiles: [URL] {
        let folder = Bundle.module.resourceURL!.appendingPathComponent("demo")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }

    public struct Loaded: Sendable {
        public var id: UUID
        public var number: String?
        public var skipped: Bool
    }

    /// Imports every demo case whose number is not in the database yet.
    public static func load(into db: any Database, now: Date = Date()) async throws -> [Loaded] {
        var loaded: [Loaded] = []
        try await DemoUnits.load(into: db)
        for url in caseFiles {
            let file = try CaseFileReader(now: now).read(data: try Data(contentsOf: url))
            if let number = file.case.number,
               let existing = try? await CaseStore(db: db).find(idOrNumber: number, scope: .all) {
                loaded.append(Loaded(id: existing.id, number: number, skipped: true))
                continue
            }
            let id = try await CaseFileStore(db: db).importCaseFile(file, by: Principal(subject: "demo", scope: .all))
            loaded.append(Loaded(id: id, number: file.case.number, skipped: false))
        }
        return loaded
    }
}
