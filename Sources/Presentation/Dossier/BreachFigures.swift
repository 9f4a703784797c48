import Domain
import Fluent
import Foundation
import LeafKit
import Store

/// The dossier's figures of the monitoring's breaches: for each zone or distance alert recorded
/// as an episode, the chart of the hour around it (the same as the alert's page) and the SHA-256
/// of its track file, made again from the stored pings and compared with the one recorded.
package enum BreachFigures {
    /// The most recent breaches, at most `limit` (a dossier is printed), in time order.
    package static func make(caseID: UUID, scope: CaseScope, file: CaseFile, db: any Database, track: any TrackStorage,
                             t: [String: String], format: LocaleFormat, words: CaseWords, limit: Int = 20) async throws -> [LeafData] {
        let store = MonitoringStore(db: db, track: track)
        let recorded = Dictionary(file.incidents.compactMap { incident in incident.evidence?.first.map { (incident.id, $0.sha256) } },
                                  uniquingKeysWith: { first, _ in first })
        let alerts = try await store.alerts(caseID: caseID, scope: scope)
            .filter { ($0.kind == .zone || $0.kind == .proximity) && $0.incident.flatMap { recorded[$0] } != nil }
            .sorted { $0.at.epochMilliseconds > $1.at.epochMilliseconds }.prefix(limit)
            .sorted { $0.at.epochMilliseconds < $1.at.epochMilliseconds } // the most recent, told in time order as the episodes are
        var figures: [LeafData] = []
        for alert in alerts {
            let loaded = try await BreachTrack.load(alert, file: file, store: store)
            let samples = DistanceChart.samples(loaded)
            guard !samples.isEmpty, let incident = alert.incident else { continue }
            let remade = SHA256Hex.of(loaded.trackFile)
            let chart = DistanceChart.draw(samples, loaded: loaded, t: t, format: format)
            figures.append(.dictionary([
                "title": .string(t["alertkind_\(alert.kind.rawValue)"] ?? alert.kind.rawValue), // the episode's name says when
                "episode": .string(words.episode(incident)),
                "recorded": .string(recorded[incident] ?? ""), "remade": .string(remade), "same": .bool(remade == recorded[incident]),
                "chart": leaf(chart),
            ]))
        }
        return figures
    }

    /// A value of the chart as Leaf takes it (its fields are strings, lists and objects).
    package static func leaf(_ value: some Encodable) -> LeafData {
        guard let data = try? JSONEncoder().encode(value), let json = try? JSONSerialization.jsonObject(with: data) else { return .trueNil }
        func convert(_ any: Any) -> LeafData {
            switch any {
            case let text as String: return .string(text)
            case let list as [Any]: return .array(list.map(convert))
            case let object as [String: Any]: return .dictionary(object.mapValues(convert))
            default: return .string("\(any)")
            }
        }
        return convert(json)
    }
}
