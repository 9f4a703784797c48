import Foundation
import Testing

/// The layers' rule (issue 22): Vapor, Leaf and the HTTP types stay in the web target; the
/// libraries under it (the domain, the law, the store, the cases' services and projections, the
/// monitoring engine, the words and the dossier) do not import them, so the command line and other
/// hosts can use them without a server. The command line needs the web only to serve, and the
/// benchmarks (which drive the server) only in `qorgau bench`.
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

    static let libraries = ["Domain", "Law", "Store", "Cases", "Monitoring", "Presentation"]

    @Test func noLibraryUnderTheWebImportsVaporOrTheWeb() throws {
        let web: Set<String> = ["Vapor", "Leaf", "Web", "Benchmarks", "VaporTesting", "XCTVapor"]
        for target in Self.libraries {
            let imports = try Self.imports(in: target)
            #expect(!imports.isEmpty, "\(target) has sources")
            for (file, module) in imports where web.contains(module) {
                Issue.record("\(target)/\(file) imports \(module)")
            }
        }
    }

    /// Only the dossier renders a template (LeafKit, the engine without the server).
    @Test func onlyTheDossierRendersTemplates() throws {
        for target in Self.libraries where target != "Presentation" {
            for (file, module) in try Self.imports(in: target) where module == "LeafKit" {
                Issue.record("\(target)/\(file) imports LeafKit")
            }
        }
    }

    @Test func theCommandLineNeedsTheWebOnlyToServe() throws {
        for (file, module) in try Self.imports(in: "qorgau") {
            if module == "Web", file != "Serve.swift" { Issue.record("qorgau/\(file) imports Web") }
            if module == "Benchmarks", file != "Bench.swift" { Issue.record("qorgau/\(file) imports Benchmarks") }
            if ["Vapor", "Leaf", "LeafKit"].contains(module) { Issue.record("qorgau/\(file) imports \(module)") }
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
