import Domain
import Foundation
import Law
import Monitoring
import Presentation
import Store
import Vapor

/// `GET /cases/{id}/alerts/{alertID}`: an alert shown for court. The map of the half hour before
/// and after it (the respondent's track, the zone, the victim's track for a distance alert), a
/// chart of the distance to the zone's edge or to her over that hour with the order's line drawn,
/// the same numbers as a table, and the breach's evidence: the track file the incident holds,
/// made again from the stored pings, with its SHA-256 compared (`…/track.jsonl` gives the file).
struct BreachPage {
    let packs: PackLibrary

    struct Sample: Encodable { var when: String; var distance: String; var accuracy: String }
    struct Context: Encodable {
        var frame: PageFrame
        var caseId: String; var number: String
        var what: String; var when: String; var device: String; var order: String; var distance: String
        var caption: String
        /// Whether a distance is measured for this kind of alert (a zone's or hers).
        var measured: Bool
        var map: MapDrawing; var chart: DistanceChart.Drawing?; var samples: [Sample]
        var evidence: Evidence?
        var acknowledged: String?
    }
    struct Evidence: Encodable { var name: String; var recorded: String; var remade: String; var same: Bool; var link: String }

    typealias Loaded = BreachTrack

    func load(_ req: Request) async throws -> Loaded {
        let caseID = try req.uuid("caseID", what: "case")
        let alertID = try req.uuid("alertID", what: "alert")
        let scope = try req.principal.scope
        await req.application.monitoring.settled() // an alert heard a moment ago may still be being stored
        let alert = try await MonitoringStore(db: req.db).alert(alertID, caseID: caseID, scope: scope)
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: scope)
        return try await BreachTrack.load(alert, file: file, store: MonitoringStore(db: req.db, track: req.application.track))
    }

    func page(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let alert = loaded.alert, file = loaded.file
        let caseID = alert.caseID
        let summary = try await CaseStore(db: req.db).get(caseID, scope: try req.principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        let frame = try PageFrame.make(req, emergencyNumber: pack.emergencyNumber)
        let t = frame.t
        let words = CaseWords(t: t, lang: frame.lang, pack: pack, file: file)
        let what = t["alertkind_\(alert.kind.rawValue)"] ?? alert.kind.rawValue
        let persons = Dictionary(file.persons.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let former = try await DeviceRecords(db: req.db).former(caseID: caseID) // a device since replaced still had its wearer
        let wornBy = ((file.devices ?? []) + former).first { $0.id == alert.device }.flatMap { persons[$0.person] }
        let device = (wornBy.map { MonitoringWords.person($0, t: t) + ", " } ?? "") + alert.device

        var map = MapBuilder(hysteresisMetres: MonitoringEngine.defaultHysteresisMeters)
        if let zone = loaded.zone, let n = alert.zone, let order = loaded.order {
            map.zone(zone, label: MonitoringWords.zone(zone, number: n, order: words.episode(order.id), t: t), current: true)
        }
        map.track(loaded.respondent.compactMap(\.point), label: (t["monitoring_track"] ?? "") + ": " + device, kind: "respondent")
        map.places(of: file, t: t)
        if alert.kind == .proximity {
            map.track(loaded.victim.compactMap(\.point), label: (t["monitoring_track"] ?? "") + ": " + (t["personrole_victim"] ?? ""), kind: "victim")
            // where she was at the moment (her latest position then, as the engine measured)
            if let her = loaded.victim.last(where: { $0.at.epochMilliseconds <= alert.at.epochMilliseconds && $0.point != nil }), let p = her.point {
                map.position(p, accuracy: her.accuracy ?? 0, label: (t["personrole_victim"] ?? "") + ", " + words.format.dateTime(her.at), kind: "victim")
            }
        }
        if let at = loaded.respondent.last(where: { $0.at.epochMilliseconds == alert.at.epochMilliseconds }), let p = at.point {
            map.alert(p, label: what + ", " + words.format.dateTime(alert.at), link: nil)
        }
        let distances = DistanceChart.samples(loaded)
        let chart = distances.isEmpty ? nil : DistanceChart.draw(distances, loaded: loaded, t: t, format: words.format)
        let samples = distances.map { s in
            Sample(when: words.format.dateTime(s.ping.at), distance: Self.said(s.metres, zone: loaded.zone != nil, t: t),
                   accuracy: s.ping.accuracy.map { MonitoringWords.length($0, t: t) } ?? "—")
        }
        // the alert's own distance as the chart measures it (for a zone, how far inside)
        let atAlert = distances.last { $0.ping.at.epochMilliseconds == alert.at.epochMilliseconds }
        var evidence: Evidence?
        if let incident = file.incidents.first(where: { $0.id == alert.incident }), let recorded = incident.evidence?.first {
            let remade = SHA256Hex.of(loaded.trackFile)
            evidence = Evidence(name: recorded.name, recorded: recorded.sha256, remade: remade, same: remade == recorded.sha256,
                                link: "/cases/\(caseID.apiString)/alerts/\(alert.id.apiString)/track.jsonl")
        }
        return try await req.renderPage("breach", Context(
            frame: frame, caseId: caseID.apiString, number: summary.number ?? "—", what: what, when: words.format.dateTime(alert.at),
            device: device, order: loaded.order.map { words.episode($0.id) } ?? "—",
            distance: atAlert.map { Self.said($0.metres, zone: loaded.zone != nil, t: t) } ?? alert.distanceMeters.map { MonitoringWords.length(Double($0), t: t) } ?? "—",
            caption: t[alert.kind == .proximity ? "breach_map_caption_victim" : alert.kind == .zone ? "breach_map_caption" : "breach_map_caption_track"] ?? "",
            measured: alert.kind == .zone || alert.kind == .proximity,
            map: map.draw(title: what + ", " + words.format.dateTime(alert.at), tiles: req.application.qorgauConfig.tilesURL,
                          metres: { MonitoringWords.length($0, t: t) }),
            chart: chart, samples: samples, evidence: evidence,
            acknowledged: alert.acknowledgedAt.map { words.format.dateTime(ZonedDateTime(epochMilliseconds: $0, offsetSeconds: 0)) }))
    }

    /// "120 м" from her or outside a zone; "290 м внутри зоны" inside one.
    static func said(_ metres: Double, zone: Bool, t: [String: String]) -> String {
        guard zone, metres < 0 else { return MonitoringWords.length(max(0, metres), t: t) }
        return (t["breach_inside_by"] ?? "{distance}").replacingOccurrences(of: "{distance}", with: MonitoringWords.length(-metres, t: t))
    }

    /// `GET /cases/{id}/alerts/{alertID}/track.jsonl`: the breach's evidence file as the monitoring
    /// made it (the respondent's pings of the half hour up to the alert, one JSON line each).
    func trackFile(req: Request) async throws -> Response {
        let loaded = try await load(req)
        let response = Response(status: .ok, body: .init(string: loaded.trackFile))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "x-ndjson")
        // the device id is checked when registered, but one imported earlier is made safe here too
        let device = String(loaded.alert.device.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._:-".unicodeScalars.contains($0)) })
        response.headers.contentDisposition = .init(.attachment, filename: "track-\(device)-\(loaded.alert.at.epochMilliseconds).jsonl")
        return response
    }
}
