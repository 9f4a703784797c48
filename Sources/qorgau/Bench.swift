import ArgumentParser
import Benchmarks
import Foundation
import Law
import Store

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark and its peer in the same run.", subcommands: [Ingest.self, AssessCases.self, MonitoringBench.self, EvidenceBench.self, Views.self, AlertsBench.self])

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
            let (folder, locations) = try benchLocations(postgres: postgres)
            defer { try? FileManager.default.removeItem(at: folder) }
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
        @Option(help: "Assessments of typical cases, per language (in --rounds rounds).") var typicalRuns = 200_000
        @Option(help: "Rounds the typical assessments are timed in (median and best are reported).") var rounds = 10
        @Option(help: "Assessments of the large case.") var largeRuns = 50

        func validate() throws {
            guard typicalRuns > 0, largeRuns > 0, rounds > 0 else {
                throw ValidationError("--typical-runs, --rounds and --large-runs must be positive")
            }
        }

        func run() async throws {
            var benchmark = AssessBenchmark(pack: try PackLibrary.loaded().pack(for: "KZ"))
            benchmark.typicalRuns = typicalRuns
            benchmark.largeRuns = largeRuns
            benchmark.rounds = rounds
            let result = benchmark.run()
            if format == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } else {
                print(String(format: "typical cases (%d incidents), one core: %.0f assessments/s in English (median of %d rounds; best %.0f), %.0f in Russian (best %.0f)",
                             result.typicalIncidents, result.typicalPerSecond, rounds, result.typicalBestPerSecond,
                             result.typicalRussianPerSecond, result.typicalRussianBestPerSecond))
                print(String(format: "  per second of the thread's CPU time (median round): %.0f in English, %.0f in Russian",
                             result.typicalPerCPUSecond, result.typicalRussianPerCPUSecond))
                print(String(format: "large case (%d incidents): median %.2f ms, best %.2f ms", result.largeIncidents,
                             result.largeMillisecondsMedian, result.largeMillisecondsBest))
            }
        }
    }
}

extension Bench {
    struct MonitoringBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "monitoring",
            abstract: "Pings checked by the engine alone, then through the API with the track stored (SQLite, or --postgres).")

        @Option(help: "Cases (one order, a bracelet and a phone each); the issue's 100,000 orders and 200,000 devices by default.") var cases: Int = 100_000
        @Option(help: "Pings in the stream.") var pings: Int = 200_000
        @Option(help: "Pings per request when sending as fast as it goes (and per PostGIS batch).") var batch: Int = 500
        @Option(help: "Concurrent clients.") var clients: Int = 4
        @Option(help: "Offered loads in pings/s, comma-separated, each held for --paced-seconds before the rest goes at full speed.")
        var loads: String = "5000,20000"
        @Option(help: "Seconds at each offered load.") var pacedSeconds: Double = 4
        @Option(help: "Run the API part on this PostgreSQL database instead of a fresh SQLite file.") var postgres: String?
        @Option(help: "Also check the stream with PostGIS in this PostgreSQL database (the extension installed, or the right to create it).")
        var postgis: String?
        @Flag(help: "Only the engine alone: no server, no PostGIS.") var engineOnly = false
        @Option(help: "Pings stored in the track before the phases (a month before the stream), so they run on a grown table.")
        var history: Int = 0

        func validate() throws {
            guard cases > 0, pings > 0, (1...10_000).contains(batch), clients > 0, pacedSeconds > 0, history >= 0 else {
                throw ValidationError("--cases, --pings, --clients and --paced-seconds must be positive, --history not negative, --batch 1 to 10000")
            }
            guard offeredLoads != nil else { throw ValidationError("--loads must be positive numbers separated by commas, or empty") }
        }

        var offeredLoads: [Int]? {
            let parts = loads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            return parts.contains { ($0 ?? 0) <= 0 } ? nil : parts.compactMap { $0 }
        }

        func run() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qorgau-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let location: DatabaseLocation = postgres.map { .postgres($0) } ?? .sqliteFile(folder.appendingPathComponent("bench.sqlite").path)
            var bench = MonitoringBenchmark(database: location, cases: cases, pings: pings, batch: batch, clients: clients,
                                            loads: offeredLoads ?? [], pacedSeconds: pacedSeconds, postgis: postgis)
            bench.engineOnly = engineOnly
            bench.history = history
            let r = try await bench.run()
            print("world: \(r.cases) cases (one order each), \(r.devices) devices, \(r.pings) pings")
            print(String(format: "engine alone: %.0f checks/s, %.0f pings/s on one core (%d alerts); by tenths of the stream: median %.0f checks/s, best %.0f",
                         r.engineChecksPerSecond, r.enginePingsPerSecond, r.engineAlerts,
                         r.engineChecksPerSecondMedianPart, r.engineChecksPerSecondBestPart))
            if engineOnly { return }
            print("through the API (\(location.redacted), \(clients) clients, track stored\(history > 0 ? ", \(history) pings of history before" : "")):")
            print(String(format: "  %d case files imported in %.1f s; pings routed and checked after %.2f s, every engine built from the database in %.1f s",
                         r.cases, r.setup.importSeconds, r.setup.routingSeconds, r.setup.loadSeconds))
            for phase in r.phases {
                let offered = (phase.transport == "socket" ? "WebSocket, " : "POST, ")
                    + (phase.offered.map { "offered \($0)/s" } ?? "full speed, batches of \(batch)")
                print(String(format: "  %@: %d pings, %.0f pings/s, %d alerts; ping due to alert at a subscriber: median %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
                             offered, phase.pings, phase.pingsPerSecond, phase.alerts, phase.latencyMs["median"] ?? 0,
                             phase.latencyMs["p99"] ?? 0, phase.latencyMs["p99.9"] ?? 0, phase.latencyMs["max"] ?? 0))
                if !phase.fromArrivalMs.isEmpty {
                    print(String(format: "    arrival at the server to alert at a subscriber (whole ms): median %.1f ms, p99 %.1f ms, max %.1f ms",
                                 phase.fromArrivalMs["median"] ?? 0, phase.fromArrivalMs["p99"] ?? 0, phase.fromArrivalMs["max"] ?? 0))
                }
                if !phase.storedMs.isEmpty, phase.transport == "socket" {
                    print(String(format: "    every ping, due to stored (the gateway's answer): median %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
                                 phase.storedMs["median"] ?? 0, phase.storedMs["p99"] ?? 0, phase.storedMs["p99.9"] ?? 0, phase.storedMs["max"] ?? 0))
                }
                if let minutes = phase.fromArrivalP99ByMinute {
                    print("    p99 by minute, arrival to alert (ms): " + minutes.map { String(format: "%.0f", $0) }.joined(separator: " "))
                }
                if let minutes = phase.storedP99ByMinute {
                    print("    p99 by minute, due to stored (ms): " + minutes.map { String(format: "%.0f", $0) }.joined(separator: " "))
                }
            }
            print("  \(r.apiAlerts) alerts in all, the same as the engine's: \(r.sameAlerts ? "yes" : "NO"); the track holds \(r.trackRows) pings")
            for peer in r.postgis {
                print(String(format: "PostGIS, %@ (%d clients): %.0f pings/s, %d alerts, the same as the engine's: %@",
                             peer.mode, clients, peer.pingsPerSecond, peer.alerts, peer.sameAlerts ? "yes" : "NO"))
            }
        }
    }
}

extension Bench {
    struct EvidenceBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evidence",
            abstract: "Evidence upload through the API vs sha256sum plus cp of the same file; peak memory; audit verify over many records.")

        @Option(help: "Size of the uploaded file in MiB.") var megabytes: Int = 512
        @Option(help: "Audit records to fill the log with before verifying it.") var records: Int = 1_000_000

        func validate() throws {
            guard megabytes > 0, records > 0 else { throw ValidationError("--megabytes and --records must be positive") }
        }

        func run() async throws {
            let r = try await EvidenceBenchmark(megabytes: megabytes, records: records).run()
            print(String(format: "upload %d MiB: API %.2f s (%.0f MiB/s), sha256sum + cp %.2f s (%.0f MiB/s), ratio %.2f",
                         r.fileMegabytes, r.uploadSeconds, Double(r.fileMegabytes) / r.uploadSeconds, r.hashPlusCopySeconds,
                         Double(r.fileMegabytes) / r.hashPlusCopySeconds, r.ratio))
            print(String(format: "peak RSS: %.0f MiB before the upload, %.0f MiB after", r.peakRSSBeforeMB, r.peakRSSAfterMB))
            print(String(format: "audit: %d records filled in %.1f s, verified in %.2f s", r.auditRecords, r.auditFillSeconds,
                         r.auditVerifySeconds))
        }
    }
}

extension Bench {
    struct Views: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An officer's views (search, dashboard, deadlines, the Fund ledger and its CSV, a case page) through the projections vs computed from the case files, at N cases in 20 units.")

        @Option(help: "Cases (seed-shaped: two named persons with IINs, ten incidents, an order, a risk assessment, some with a verdict and payment).") var cases: Int = 100_000
        @Option(help: "Timed searches per query through the projection.") var runs: Int = 200
        @Option(help: "Timed searches per query the way it was before (slow); 0: not at all (a million cases' case files do not fit in memory at once).") var peerRuns: Int = 10
        @Option(help: "Also run on this PostgreSQL database (its tables are created if missing; use an empty one).") var postgres: String?
        @Option(help: "text or json") var format: String = "text"

        func validate() throws {
            guard cases >= 20, runs > 0, peerRuns >= 0 else { throw ValidationError("--cases must be at least 20, --runs positive and --peer-runs 0 or more") }
            guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
        }

        func run() async throws {
            let (folder, locations) = try benchLocations(postgres: postgres)
            defer { try? FileManager.default.removeItem(at: folder) }
            var results: [ViewsBenchmark.Result] = []
            for location in locations {
                let result = try await ViewsBenchmark(database: location, cases: cases, runs: runs, peerRuns: peerRuns).run()
                results.append(result)
                if format == "text" {
                    print("\(result.database): \(result.cases) cases imported in \(String(format: "%.1f", result.importSeconds)) s, indexed in \(String(format: "%.1f", result.indexSeconds)) s")
                    for (index, mine) in result.projection.enumerated() {
                        let line = String(format: "  %-28@ projection p50 %7.2f ms p95 %7.2f ms (%d hits)", mine.view as NSString, mine.p50ms, mine.p95ms, mine.hits)
                        guard index < result.caseFiles.count else { print(line); continue }
                        let peer = result.caseFiles[index]
                        print(line + String(format: " | case files p50 %8.1f ms p95 %8.1f ms (%d hits)", peer.p50ms, peer.p95ms, peer.hits))
                    }
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
    struct AlertsBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alerts",
            abstract: "Alerts at a steady rate told on three channels (SMS, Web Push, the duty centre's webhook) to fake peers: through the outbox vs sent inline in the request; then the sender killed with SIGKILL mid-send.")

        @Option(help: "Alerts a second.") var rate: Int = 1000
        @Option(help: "For how many seconds.") var seconds: Int = 5
        @Option(help: "Alerts in the outbox when the sender is killed.") var crashAlerts: Int = 2000
        @Flag(help: "Leave out the kill -9 of the sender.") var noCrash = false
        @Option(help: "Also run on this PostgreSQL database (its tables are created if missing; use an empty one).") var postgres: String?
        @Option(help: "text or json") var format: String = "text"
        @Option(help: .hidden) var sender: String?

        func validate() throws {
            guard (1...100_000).contains(rate), (1...600).contains(seconds), crashAlerts >= 10 else {
                throw ValidationError("--rate from 1 to 100000, --seconds from 1 to 600, --crash-alerts at least 10")
            }
            guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
        }

        func run() async throws {
            if let sender { // the child process the benchmark kills
                try await AlertsBenchmark.runSender(try JSONDecoder().decode(AlertsBenchmark.SenderSpec.self, from: Data(sender.utf8)))
                return
            }
            let (folder, locations) = try benchLocations(postgres: postgres)
            defer { try? FileManager.default.removeItem(at: folder) }
            let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
            let spawn: @Sendable (AlertsBenchmark.SenderSpec) throws -> Process = { spec in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = ["bench", "alerts", "--sender", String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)]
                try process.run()
                return process
            }
            var results: [AlertsBenchmark.Result] = []
            for location in locations {
                let result = try await AlertsBenchmark(database: location, rate: rate, seconds: seconds, crashAlerts: crashAlerts,
                                                       spawnSender: noCrash ? nil : spawn).run()
                results.append(result)
                guard format == "text" else { continue }
                print("\(result.database): \(result.rate) alerts/s for \(seconds) s, 3 messages each")
                for (name, run) in [("outbox", result.outbox), ("inline", result.inline)] {
                    print(String(format: "  %-7@ first message p50 %6.1f ms p99 %7.1f ms max %7.1f ms | request p50 %6.1f ms p99 %7.1f ms | %6.0f messages/s | lost %d, repeats %d",
                                 name as NSString, run.firstDelivery.p50ms, run.firstDelivery.p99ms, run.firstDelivery.maxms,
                                 run.request.p50ms, run.request.p99ms, run.deliveriesPerSecond, run.lost, run.repeats))
                }
                if let crash = result.crash {
                    print("  kill -9: \(crash.alerts) alerts, \(crash.expected) messages; \(crash.receivedBeforeKill) received before the kill; after the restart \(crash.distinctAtPeers) distinct at the peers, \(crash.repeats) repeats dropped by key, \(crash.lost) lost (\(String(format: "%.1f", crash.seconds)) s)")
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

/// A fresh SQLite file in a temporary folder (the caller removes the folder), and the given
/// PostgreSQL database after it: where a benchmark runs, each in turn.
func benchLocations(postgres: String?) throws -> (folder: URL, locations: [DatabaseLocation]) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qorgau-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    var locations: [DatabaseLocation] = [.sqliteFile(folder.appendingPathComponent("bench.sqlite").path)]
    if let postgres { locations.append(.postgres(postgres)) }
    return (folder, locations)
}
