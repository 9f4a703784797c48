import ArgumentParser
import Foundation
import Law
import Monitoring

struct Monitor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Electronic monitoring of orders.", subcommands: [ReplayPings.self])

    struct ReplayPings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Run the monitoring engine over a case's orders and devices and a file of pings (JSON lines).")

        @Argument(help: "A case file, or a case's id or number.") var caseRef: String
        @Option(help: "The pings, one JSON object a line.") var pings: String
        @Option(help: "text or json") var format: String = "text"
        @OptionGroup var options: DataOptions

        func validate() throws {
            guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
        }

        func run() async throws {
            let file = try await loadCase(caseRef, options: options, packs: try PackLibrary.loaded())
            guard let data = FileManager.default.contents(atPath: pings) else { throw CommandFailure("cannot read \(pings)") }
            var replay = Replay(file: file)
            let result = replay.run(jsonLines: String(decoding: data, as: UTF8.self))
            for refused in result.refused {
                FileHandle.standardError.write(Data("\(pings):\(refused.line): refused: \(refused.reason)\n".utf8))
            }
            if format == "json" { return try printJSON(result.alerts) }
            if result.alerts.isEmpty { print("no alerts") }
            for alert in result.alerts {
                var line = "\(alert.at) \(alert.kind.rawValue) device \(alert.device)"
                if let order = alert.order { line += " order \(order)" }
                if let zone = alert.zone { line += " zone \(zone)" }
                if let distance = alert.distanceMeters { line += " distance \(distance) m" }
                if let accuracy = alert.accuracyMeters { line += " (±\(accuracy) m)" }
                print(line)
            }
        }
    }
}
