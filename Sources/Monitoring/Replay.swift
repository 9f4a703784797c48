import Domain
import Foundation

/// Runs the engine over a case and a file of pings, one JSON object a line, offline: the same
/// engine and the same alerts as the live server, so a track can be re-examined for court. The
/// live server's sweep for silent devices runs by the track's clock: before each later ping,
/// and at the track's last instant.
public struct Replay: Sendable {
    public struct Refused: Equatable, Sendable, Codable {
        public var line: Int
        public var reason: String
    }

    public struct Result: Equatable, Sendable {
        /// In time order.
        public var alerts: [Alert]
        public var refused: [Refused]
    }

    public var engine: MonitoringEngine

    public init(file: CaseFile) { engine = MonitoringEngine(file: file) }

    public mutating func run(jsonLines text: String, now: Date = Date()) -> Result {
        var alerts: [Alert] = []
        var refused: [Refused] = []
        var trackClock = Date.distantPast
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let lineNumber = index + 1
            let value: JSONValue
            do { value = try JSONDocument.parse(Data(trimmed.utf8)) } catch {
                refused.append(Refused(line: lineNumber, reason: error.description)); continue
            }
            let node = JSONNode(value, log: ProblemLog())
            guard let ping = Ping.read(node) else {
                refused.append(Refused(line: lineNumber, reason: node.log.problems.map(\.description).joined(separator: "; ")))
                continue
            }
            // the live server's sweep, by the track's own clock: a device that went quiet while
            // the track went on is reported as the server would have reported it
            // (a refused ping changes nothing, the clock included)
            var next = engine
            let clock = Date(timeIntervalSince1970: Double(ping.at.epochMilliseconds) / 1000)
            let silent = clock > trackClock ? next.sweep(now: clock) : []
            switch next.ingest(ping, now: now) {
            case .success(let raised):
                engine = next
                trackClock = max(trackClock, clock)
                alerts += silent + raised
            case .failure(let refusal): refused.append(Refused(line: lineNumber, reason: "\(refusal.device): \(refusal.reason)"))
            }
        }
        if trackClock > .distantPast { alerts += engine.sweep(now: trackClock) } // and at its end
        let ordered = alerts.enumerated().sorted {
            ($0.element.at.epochMilliseconds, $0.offset) < ($1.element.at.epochMilliseconds, $1.offset)
        }.map(\.element)
        return Result(alerts: ordered, refused: refused)
    }
}
