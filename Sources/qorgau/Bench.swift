import ArgumentParser
import Foundation
import Law
import Store
import Web

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark and its peer in the same run.", subcommands: [Ingest.self, AssessCases.self])

    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Incidents/s through the HTTP API vs straight through the store (SQLite, and PostgreSQL with --postgres).")

        @Option(help: "Incidents per run.") var incidents: Int = 10_000
        @Option(help: "Concurrent clients.") var clients: Int = 64
        @Option(help: "Also run on this PostgreSQL database (its tables are created if missing).") var postgres: String?
        @Option(help: "text or json") var format: String = "text"

        func validate() throws {
            guard incidents > 0, clients > 0 else { throw ValidationError("--incidents and --clients must be positive") }
            guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
        }

        func run() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qorgau-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            var locations: [DatabaseLocation] = [.sqliteFile(folder.appendingPathComponent("bench.sqlite").path)]
            if let postgres { locations.append(.postgres(postgres)) }
            var results: [IngestBenchmark.Result] = []
            for location in locations {
                let result = try await IngestBenchmark(database: location, incidents: incidents, clients: clients).run()
                results.append(result)
                if format == "text" {
                    print(String(format: "%@: %d incidents, %d clients: API %.0f/s, direct %.0f/s, API/direct %.2f",
                                 result.database, result.incidents, result.clients, result.apiPerSecond,
                                 result.directPerSecond, result.ratio))
                }
            }
            if format == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(results), as: UTF8.self))
            }
        }
    }
}

extension Bench {
    struct AssessCases: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assess",
            abstract: "Assessments per second of typical 20-incident cases, and the time for one 10,000-incident case.")

        @Option(help: "text or json") var format: String = "text"
        @Option(help: "Assessments of the typical case.") var typicalRuns = 20_000
        @Option(help: "Assessments of the large case.") var largeRuns = 50

        func validate() throws {
            guard typicalRuns > 0, largeRuns > 0 else { throw ValidationError("--typical-runs and --large-runs must be positive") }
        }

        func run() async throws {
            var benchmark = AssessBenchmark(pack: try PackLibrary.loaded().pack(for: "KZ"))
            benchmark.typicalRuns = typicalRuns
            benchmark.largeRuns = largeRuns
            let result = benchmark.run()
            if format == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print(String(format: "typical case (%d incidents): %.0f assessments/s on one core", result.typicalIncidents,
                             result.typicalPerSecond))
                print(String(format: "large case (%d incidents): median %.2f ms, best %.2f ms", result.largeIncidents,
                             result.largeMillisecondsMedian, result.largeMillisecondsBest))
            }
        }
    }
}
