import Domain
import Foundation
import Monitoring

/// Reading a batch of pings, `{"pings": [...]}` (at most 10,000). A batch whose every ping is
/// valid and plainly written is read straight from its bytes (`PingScanner`); any other goes
/// through the field reader, which says for each ping what is wrong with it. Both take the same
/// pings: the fast way gives up at the first doubt (a null, a wrong type, a value out of range, an
/// escape) and leaves it to the other.
enum PingBatch {
    static let limit = 10_000

    static func read(_ data: Data) throws -> [Result<Ping, PingRefusal>] {
        if let pings = PingScanner.pings(data) { return pings.map { .success($0) } }
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
}
