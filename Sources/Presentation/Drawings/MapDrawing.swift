import Domain
import Foundation
import Store

/// What a monitoring map shows, drawn as SVG by the server (`map.leaf`): zones with the band of
/// their hysteresis, the victim's places, the devices' positions with their accuracy, tracks and
/// alerts, a scale bar, and under them the deployment's own tiles when it has a tile server. No
/// script and no outside resource is needed to see it; each mark carries its name for a screen
/// reader and a tooltip, and an alert's mark is a link to its page.
package struct MapDrawing: Encodable {
    package struct Tile: Encodable { package var href: String; package var x: String; package var y: String }
    package struct Circle: Encodable { package var cx: String; package var cy: String; package var r: String; package var outer: String; package var label: String; package var current: Bool }
    package struct Shape: Encodable { package var d: String; package var outer: String; package var label: String; package var current: Bool }
    package struct Marker: Encodable {
        package var x: String; var y: String; var label: String; var kind: String
        package var accuracy: String? = nil; var link: String? = nil; var short: String? = nil
    }
    package struct Line: Encodable { package var points: String; package var label: String; package var kind: String }
    package struct Scale: Encodable { package var x: String; package var y: String; package var width: String; package var label: String }

    package var width: String; var height: String; var title: String
    package var tiles: [Tile]; var circles: [Circle]; var shapes: [Shape]
    package var places: [Marker]; var tracks: [Line]; var positions: [Marker]; var alerts: [Marker]
    package var scale: Scale
    /// Nothing to draw: the page says so instead of showing an empty frame.
    package var empty: Bool
}

extension StoredPing {
    /// The position, when the ping has one (an event has none).
    package var point: GeoPoint? { lat.flatMap { lat in lon.map { GeoPoint(lat: lat, lon: $0) } } }
}

/// Gathers a map's features in degrees and metres, then fits and draws them at once.
package struct MapBuilder {
    private enum Feature {
        case zone(Zone, label: String, current: Bool)
        case place(GeoPoint, label: String, short: String)
        case track([GeoPoint], label: String, kind: String)
        case position(GeoPoint, accuracy: Double, label: String, kind: String)
        case alert(GeoPoint, label: String, link: String?)
    }
    private var features: [Feature] = []
    package let hysteresisMetres: Double

    package init(hysteresisMetres: Double) { self.hysteresisMetres = hysteresisMetres }

    package mutating func zone(_ zone: Zone, label: String, current: Bool) { features.append(.zone(zone, label: label, current: current)) }
    package mutating func place(_ point: GeoPoint, label: String, short: String) { features.append(.place(point, label: label, short: short)) }

    /// The victim's places that have a point.
    package mutating func places(of file: CaseFile, t: [String: String]) {
        for person in file.persons where person.role == .victim {
            for place in person.places {
                guard let lat = place.lat, let lon = place.lon else { continue }
                self.place(GeoPoint(lat: lat, lon: lon), label: MonitoringWords.place(place, t: t), short: t["placekind_\(place.kind)"] ?? place.kind)
            }
        }
    }
    package mutating func track(_ points: [GeoPoint], label: String, kind: String) {
        if !points.isEmpty { features.append(.track(points, label: label, kind: kind)) }
    }
    package mutating func position(_ point: GeoPoint, accuracy: Double, label: String, kind: String) {
        features.append(.position(point, accuracy: accuracy, label: label, kind: kind))
    }
    package mutating func alert(_ point: GeoPoint, label: String, link: String?) { features.append(.alert(point, label: label, link: link)) }

    package func draw(title: String, tiles template: String?, metres: (Double) -> String) -> MapDrawing {
        drawWithProjection(title: title, tiles: template, metres: metres).0
    }

    /// The drawing and the projection it was drawn in (for a page that turns clicks into points).
    package func drawWithProjection(title: String, tiles template: String?, metres: (Double) -> String) -> (MapDrawing, MapProjection) {
        var fitted: [(GeoPoint, Double)] = []
        for feature in features {
            switch feature {
            case .zone(let zone, _, _):
                if let polygon = zone.polygon { fitted += polygon.map { ($0, hysteresisMetres) } }
                if let lat = zone.lat, let lon = zone.lon { fitted.append((GeoPoint(lat: lat, lon: lon), (zone.radiusMeters ?? 0) + hysteresisMetres)) }
            case .place(let point, _, _), .alert(let point, _, _): fitted.append((point, 80))
            case .track(let points, _, _): fitted += points.map { ($0, 40) }
            case .position(let point, let accuracy, _, _): fitted.append((point, accuracy))
            }
        }
        let map = MapProjection(fitting: fitted)
        func n(_ value: Double) -> String { String(format: "%.1f", value) }
        func at(_ p: GeoPoint) -> (String, String) { let (x, y) = map.point(p); return (n(x), n(y)) }
        var drawing = MapDrawing(width: n(map.width), height: n(map.height), title: title,
                                 tiles: template.map { map.tiles(template: $0).map { .init(href: $0.href, x: n($0.x), y: n($0.y)) } } ?? [],
                                 circles: [], shapes: [], places: [], tracks: [], positions: [], alerts: [],
                                 scale: Self.scale(map, metres: metres), empty: features.isEmpty)
        for feature in features {
            switch feature {
            case .zone(let zone, let label, let current):
                if let polygon = zone.polygon {
                    let rings = [polygon] + (zone.holes ?? [])
                    let d = rings.map { ring in
                        ring.enumerated().map { i, p in let (x, y) = at(p); return (i == 0 ? "M" : "L") + x + " " + y }.joined(separator: " ") + " Z"
                    }.joined(separator: " ")
                    // the band of the hysteresis drawn as the outline's stroke, as wide on each side as the band
                    let band = map.pixels(metres: hysteresisMetres, latitude: polygon[0].lat) * 2
                    drawing.shapes.append(.init(d: d, outer: n(band), label: label, current: current))
                } else if let lat = zone.lat, let lon = zone.lon, let radius = zone.radiusMeters {
                    let (x, y) = at(GeoPoint(lat: lat, lon: lon))
                    drawing.circles.append(.init(cx: x, cy: y, r: n(map.pixels(metres: radius, latitude: lat)),
                                                 outer: n(map.pixels(metres: radius + hysteresisMetres, latitude: lat)), label: label, current: current))
                }
            case .place(let point, let label, let short):
                let (x, y) = at(point)
                drawing.places.append(.init(x: x, y: y, label: label, kind: "place", short: short))
            case .track(let points, let label, let kind):
                drawing.tracks.append(.init(points: points.map { let (x, y) = at($0); return x + "," + y }.joined(separator: " "), label: label, kind: kind))
            case .position(let point, let accuracy, let label, let kind):
                let (x, y) = at(point)
                drawing.positions.append(.init(x: x, y: y, label: label, kind: kind, accuracy: n(map.pixels(metres: accuracy, latitude: point.lat))))
            case .alert(let point, let label, let link):
                var (x, y) = map.point(point)
                // marks on the same spot (one position, two alerts) side by side, each reachable
                while drawing.alerts.contains(where: { abs((Double($0.x) ?? 0) - x) < 12 && abs((Double($0.y) ?? 0) - y) < 12 }) { x += 16 }
                drawing.alerts.append(.init(x: n(x), y: n(y), label: label, kind: "alert", link: link))
            }
        }
        return (drawing, map)
    }

    /// A bar of a round length (1, 2 or 5 times a power of ten metres) about a fifth of the frame.
    package static func scale(_ map: MapProjection, metres: (Double) -> String) -> MapDrawing.Scale {
        let perPixel = map.metresPerPixelAtCentre
        let wanted = perPixel * map.width / 5
        let power = pow(10, (log10(wanted)).rounded(.down))
        let length = [1.0, 2, 5, 10].map { $0 * power }.last { $0 <= wanted } ?? power
        return .init(x: "16", y: String(format: "%.1f", map.height - 18), width: String(format: "%.1f", length / perPixel), label: metres(length))
    }
}
