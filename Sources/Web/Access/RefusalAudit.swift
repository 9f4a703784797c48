import Foundation
import Store
import Vapor

/// Writes refusals to the audit log without letting anyone fill it: the route's pattern, never
/// the raw path (an IIN in a path is personal data the append-only log could never erase), a
/// detail of at most 200 characters, and one row a minute for each source, action, actor, route
/// and detail: the same refusal repeated is counted, and the count written with its next row.
final class RefusalAudit: @unchecked Sendable {
    static let window: Int64 = 60_000
    static let maxDetail = 200
    private struct Key: Hashable { var source: String; var action: String; var actor: String; var target: String; var detail: String }
    private let lock = NSLock()
    private var windows: [Key: (start: Int64, suppressed: Int)] = [:]
    private let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Whether this refusal opens a new window (and so is written), with how many the last
    /// window held beyond its first.
    func admit(source: String, action: String, actor: String, target: String, detail: String,
               now: Int64) -> (write: Bool, suppressedBefore: Int) {
        let key = Key(source: source, action: action, actor: actor, target: target, detail: detail)
        return lock.withLock {
            if let open = windows[key], now - open.start < Self.window {
                windows[key] = (open.start, open.suppressed + 1)
                return (false, 0)
            }
            let before = windows[key]?.suppressed ?? 0
            if windows.count >= capacity { windows = windows.filter { now - $0.value.start < Self.window } }
            if windows.count >= capacity { return (false, 0) } // a flood from more sources than that: counted nowhere but the log's first rows
            windows[key] = (now, 0)
            return (true, before)
        }
    }

    func record(_ request: Request, actor: String, action: String, detail: String? = nil, caseID: UUID? = nil) async throws {
        let source = request.remoteAddress?.ipAddress ?? "local", target = request.routePattern
        let capped = detail.map { String($0.prefix(Self.maxDetail)) }
        let (write, suppressed) = admit(source: source, action: action, actor: actor, target: target, detail: capped ?? "", now: nowMs())
        guard write else { return }
        var text = capped
        if suppressed > 0 { text = (text.map { $0 + "; " } ?? "") + "\(suppressed) more like it from \(source) in the minute before" }
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
