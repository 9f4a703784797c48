import Foundation
import Store
import Vapor

/// Writes refusals to the audit log without letting anyone fill it: the route's pattern, never
/// the raw path (an IIN in a path is personal data the append-only log could never erase), a
/// detail of at most 200 characters, and at most one row a minute for each group of refusals;
/// the rest of the group is counted and the count written with its next row. Anonymous refusals
/// group by action and network (an IPv4 /24, an IPv6 /64: one attacker holds many addresses of
/// one network), whatever the route; a known user's by action, route and detail, so that each
/// thing they tried stays on record, up to `perActor` groups a minute, beyond which the user's
/// refusals of that action fall into one group (a token trying random case ids writes 20 rows a
/// minute, not one per id). Beyond `capacity` groups, every further refusal of an action falls
/// into one group for all sources: a flood is still counted, in one row a minute.
final class RefusalAudit: @unchecked Sendable {
    static let window: Int64 = 60_000
    static let maxDetail = 200
    private struct Key: Hashable { var source: String; var action: String; var actor: String; var target: String; var detail: String }
    private let lock = NSLock()
    private var windows: [Key: (start: Int64, suppressed: Int)] = [:]
    private var groupsOfActor: [String: (start: Int64, count: Int)] = [:]
    private let capacity: Int
    static let perActor = 20

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Whether this refusal opens a new window (and so is written), with how many the last
    /// window held beyond its first.
    func admit(source: String, action: String, actor: String, target: String, detail: String,
               now: Int64) -> (write: Bool, suppressedBefore: Int) {
        let anonymous = actor == "anonymous"
        var key = Key(source: Self.network(of: source), action: action, actor: actor,
                      target: anonymous ? "" : target, detail: anonymous ? "" : detail)
        return lock.withLock {
            if !anonymous, windows[key].map({ now - $0.start >= Self.window }) ?? true {
                // a new group of a known user's: within the user's allowance, or their catch-all group
                var groups: (start: Int64, count: Int) = groupsOfActor[actor].flatMap { now - $0.start < Self.window ? $0 : nil } ?? (now, 0)
                if groups.count >= Self.perActor {
                    key = Key(source: key.source, action: action, actor: actor, target: "*", detail: "*")
                } else {
                    groups.count += 1
                }
                groupsOfActor[actor] = groups
                if groupsOfActor.count > capacity { groupsOfActor = groupsOfActor.filter { now - $0.value.start < Self.window } }
            }
            if windows[key] == nil, windows.count >= capacity {
                windows = windows.filter { now - $0.value.start < Self.window }
                if windows.count >= capacity { key = Key(source: "*", action: action, actor: "*", target: "", detail: "") }
            }
            if let open = windows[key], now - open.start < Self.window {
                windows[key] = (open.start, open.suppressed + 1)
                return (false, 0)
            }
            let before = windows[key]?.suppressed ?? 0
            windows[key] = (now, 0)
            return (true, before)
        }
    }

    /// The network an address belongs to, for grouping: IPv4 by /24, IPv6 by /64.
    static func network(of address: String) -> String {
        if address.contains(":") {
            let groups = address.split(separator: ":", omittingEmptySubsequences: false)
            if let gap = groups.firstIndex(of: ""), groups.count < 8 { // "::" stands for zero groups
                let expanded = Array(groups[..<gap]) + Array(repeating: Substring("0"), count: 8 - groups.count + 1) + Array(groups[(gap + 1)...])
                return expanded.prefix(4).joined(separator: ":") + "::/64"
            }
            return groups.prefix(4).joined(separator: ":") + "::/64"
        }
        let octets = address.split(separator: ".")
        guard octets.count == 4 else { return address }
        return octets.prefix(3).joined(separator: ".") + ".0/24"
    }

    func record(_ request: Request, actor: String, action: String, detail: String? = nil, caseID: UUID? = nil) async throws {
        let source = request.sourceAddress, target = request.routePattern
        let capped = detail.map { String($0.prefix(Self.maxDetail)) }
        let (write, suppressed) = admit(source: source, action: action, actor: actor, target: target, detail: capped ?? "", now: nowMilliseconds())
        guard write else { return }
        var text = capped
        if suppressed > 0 { text = (text.map { $0 + "; " } ?? "") + "\(suppressed) more like it from \(Self.network(of: source)) in the minute before" }
        try await AuditStore(db: request.db).append(actor: actor, action: action, target: target, detail: text, caseID: caseID)
    }
}

struct RefusalAuditKey: StorageKey { typealias Value = RefusalAudit }

extension Application {
    /// Set up in `configure` with the access caches.
    var refusals: RefusalAudit { storage[RefusalAuditKey.self]! }
}

extension Request {
    /// "GET /api/v1/cases/:caseID": the route, not the ids in the path; "GET (no route)" when none matched.
    var routePattern: String {
        guard let route else { return "\(method.rawValue) (no route)" }
        return "\(route.method.rawValue) /\(route.path.map(\.description).joined(separator: "/"))"
    }
}
