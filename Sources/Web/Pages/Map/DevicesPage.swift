import Domain
import Foundation
import Presentation
import Store
import Vapor

/// `GET /monitoring/devices`: every device of the open cases in the officer's scope, those in
/// trouble first (never reported, silent for three of its intervals, a tampered strap or a low
/// battery in its last day), each with its case and who wears it.
struct DevicesPage {
    struct Row: Encodable {
        var caseId: String; var number: String; var wearer: String; var kind: String; var id: String
        var last: String; var state: String; var trouble: Bool
    }
    struct Context: Encodable { var frame: PageFrame; var rows: [Row]; var troubled: Int }

    func page(req: Request) async throws -> Response {
        let frame = try PageFrame.make(req)
        let t = frame.t
        let worn = try await DeviceRecords(db: req.db).inScope(try req.principal.scope)
        let store = MonitoringStore(db: req.db, track: req.application.track)
        let last = try await store.lastPings(worn.map { ($0.case.id, $0.device.id) })
        let lastOf = Dictionary(last.map { ("\($0.caseID)/\($0.device)", $0) }, uniquingKeysWith: { first, _ in first })
        let now = nowMilliseconds()
        let format = LocaleFormat(language: frame.lang, timeZone: TimeZone(identifier: "Asia/Almaty") ?? .current)
        var rows: [Row] = []
        for item in worn {
            let ping = lastOf["\(item.case.id)/\(item.device.id)"]
            // the last day's events, read only for a device that reported in it
            let recent = ping.map { $0.at.epochMilliseconds > now - 86_400_000 } == true
                ? try await store.track(caseID: item.case.id, device: item.device.id, from: now - 86_400_000, to: now).filter { $0.event != nil } : []
            let state = MonitoringWords.health(device: item.device, last: ping, track: recent, now: now, t: t)
            rows.append(Row(caseId: item.case.id.apiString, number: item.case.number ?? "—",
                            wearer: item.wearer.map { MonitoringWords.person($0, t: t) } ?? "—",
                            kind: t["devicekind_\(item.device.kind.rawValue)"] ?? item.device.kind.rawValue, id: item.device.id,
                            last: ping.map { format.dateTime($0.at) + " (" + MonitoringWords.ago(ms: now - $0.at.epochMilliseconds, t: t) + ")" } ?? (t["monitoring_never"] ?? ""),
                            state: state.text, trouble: state.trouble))
        }
        rows.sort { ($0.trouble ? 0 : 1, $0.number, $0.id) < ($1.trouble ? 0 : 1, $1.number, $1.id) }
        return try await req.renderPage("devices", Context(frame: frame, rows: rows, troubled: rows.filter(\.trouble).count))
    }
}
