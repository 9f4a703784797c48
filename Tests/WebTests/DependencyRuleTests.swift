import Foundation
import Testing

/// The layers' rule (issue 22): Vapor, Leaf and the HTTP types stay in the web target; the
/// libraries under it (the domain, the law, the store, the cases' projections, the monitoring
/// engine) do not import them, so the command line and other hosts can use them without a server.
@Suite struct DependencyRuleTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    static func imports(in target: String) throws -> [(file: String, module: String)] {
        let folder = sources.appendingPathComponent(target)
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        var found: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") where line.hasPrefix("import ") {
                found.append((url.lastPathComponent, String(line.dropFirst("import ".count)).trimmingCharacters(in: .whitespaces)))
            }
        }
        return found
    }

    @Test func noLibraryUnderTheWebImportsVaporOrTheWeb() throws {
        let web: Set<String> = ["Vapor", "Leaf", "LeafKit", "Web", "VaporTesting", "XCTVapor"]
        for target in ["Domain", "Law", "Store", "Cases", "Monitoring"] {
            let imports = try Self.imports(in: target)
            #expect(!imports.isEmpty, "\(target) has sources")
            for (file, module) in imports where web.contains(module) {
                Issue.record("\(target)/\(file) imports \(module)")
            }
        }
    }

    @Test func theDomainAndTheLawImportNoStore() throws {
        for target in ["Domain", "Law"] {
            for (file, module) in try Self.imports(in: target) where ["Store", "Cases", "Fluent", "SQLKit"].contains(module) {
                Issue.record("\(target)/\(file) imports \(module)")
            }
        }
    }
}
