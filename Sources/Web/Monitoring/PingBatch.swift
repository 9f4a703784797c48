import Domain
import Foundation
import Monitoring

/// Reading a batch of pings, `{"pings": [...]}` (at most 10,000). A batch whose every ping is
/// valid is read by `JSONDecoder` straight into pings; any other goes through the field reader,
/// which says for each ping what is wrong with it. Both take the same pings: the fast way gives
/// up at the first doubt (a null, a wrong type, a value out of range) and leaves it to the other.
enum PingBatch {
    static let limit = 10_000

    static func read(_ data: Data) throws -> [Result<Ping, PingRefusal>] {
        if let pings = decoded(data) { return pings.map { .success($0) } }
        return try read(JSONNode(JSONDocument.parse(data), log: ProblemLog()))
    }

    /// A batch's pings, each read or refused with its reason; a body that is not a batch is refused whole.
    static func read(_ body: JSONNode) throws -> [Result<Ping, PingRefusal>] {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        guard case .array(let items)? = body["pings"].value else {
            throw ValidationFailure(pointer: "/pings", message: "a batch is {\"pings\": [ … ]}")
        }
        guard items.count <= limit else { throw ValidationFailure(pointer: "/pings", message: "at most 10,000 pings a batch") }
        return items.map { value in
            let node = JSONNode(value, log: ProblemLog())
            if let ping = Ping.read(node) { return .success(ping) }
            let device = node["device"].value.flatMap { if case .string(let s) = $0 { s } else { nil } } ?? ""
            return .failure(PingRefusal(device: device, reason: node.log.problems.map(\.description).joined(separator: "; ")))
        }
    }

    /// Every ping of a valid batch, or nil.
    static func decoded(_ data: Data) -> [Ping]? {
        guard let wire = try? JSONDecoder().decode(Wire.self, from: data), wire.pings.count <= limit else { return nil }
        var pings: [Ping] = []
        pings.reserveCapacity(wire.pings.count)
        for w in wire.pings {
            guard !w.device.allSatisfy(\.isWhitespace), w.device.count <= 200, let at = ZonedDateTime(w.at) else { return nil }
            if let word = w.event {
                guard let event = Ping.Event(rawValue: word) else { return nil }
                pings.append(Ping(device: w.device, at: at, event: event))
                continue
            }
            guard let lat = w.lat, (-90...90).contains(lat), let lon = w.lon, (-180...180).contains(lon) else { return nil }
            if let accuracy = w.accuracy, !(0...100_000).contains(accuracy) { return nil }
            pings.append(Ping(device: w.device, at: at, lat: lat, lon: lon, accuracy: w.accuracy))
        }
        return pings
    }

    private struct Wire: Decodable {
        var pings: [WirePing]
    }

    /// A ping as sent; a field that is present but null is a doubt (the field reader refuses it).
    private struct WirePing: Decodable {
        enum Key: String, CodingKey { case device, at, lat, lon, accuracy, event }
        struct Null: Error {}
        var device: String
        var at: String
        var lat: Double?
        var lon: Double?
        var accuracy: Double?
        var event: String?

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            for key in [Key.lat, .lon, .accuracy, .event] where c.contains(key) {
                if try c.decodeNil(forKey: key) { throw Null() }
            }
            device = try c.decode(String.self, forKey: .device)
            at = try c.decode(String.self, forKey: .at)
            lat = try c.decodeIfPresent(Double.self, forKey: .lat)
            lon = try c.decodeIfPresent(Double.self, forKey: .lon)
            accuracy = try c.decodeIfPresent(Double.self, forKey: .accuracy)
            event = try c.decodeIfPresent(String.self, forKey: .event)
        }
    }
}
