import Domain
import Foundation

/// The case's timeline, laid out for an inline SVG (`timeline.leaf`, which Leaf escapes): one mark
/// per episode on its day (stacked when several fall on one day), its kind told by a shape as well
/// as a colour, ringed red when it broke an order, each a link to its row in the episodes' table
/// (reachable by Tab); order periods as bands; month ticks; dashed lines where the norm came into
/// force and for today; a legend of what is drawn. Only positions are computed here; no markup is.
struct Timeline: Encodable {
    struct Band: Encodable { var x: String; var width: String; var title: String }
    struct Mark: Encodable { var path: String; var fill: String; var violation: Bool; var title: String; var href: String }
    struct Line: Encodable { var x: String; var labelX: String; var label: String }
    struct Tick: Encodable { var x: String; var label: String }
    struct LegendItem: Encodable { var path: String; var fill: String; var label: String }

    var label: String
    var bands: [Band] = []
    var norm: Line?
    var today: Line?
    var ticks: [Tick] = []
    var marks: [Mark] = []
    var legend: [LegendItem] = []
    var axisLeft = "10.0", axisRight = "790.0", baseline = "120.0"
    /// False when there is nothing to draw.
    var drawn = false

    static let colours: [IncidentKind: String] = [
        .contact: "#1a5fb4", .tracking: "#613583", .threat: "#c01c28", .privacyIntrusion: "#865e3c",
        .publicConflict: "#c64600", .propertyDamage: "#5e5c64", .violence: "#a51d2d", .other: "#3d3846",
    ]

    /// The shape of each kind, so that the kinds are told apart without colour.
    enum Shape { case circle, square, triangleUp, diamond, triangleDown, plus, hexagon, pentagon }
    static let shapes: [IncidentKind: Shape] = [
        .contact: .circle, .tracking: .square, .threat: .triangleUp, .privacyIntrusion: .diamond,
        .publicConflict: .triangleDown, .propertyDamage: .plus, .violence: .hexagon, .other: .pentagon,
    ]

    struct Words {
        var label: String
        var kind: (IncidentKind) -> String
        var date: (LocalDate) -> String
        var month: (LocalDate) -> String
        var today: String
        var orderName: (ProtectiveOrder) -> String
        var episodeName: (Incident) -> String
    }

    init(incidents: [Incident], orders: [ProtectiveOrder], normInForce: LocalDate?, today: LocalDate?, words: Words) {
        label = words.label
        let day: Int64 = 86_400_000
        var instants = incidents.map(\.occurredAt.epochMilliseconds)
        for order in orders { instants += [order.issuedAt.epochMilliseconds, (order.revokedAt ?? order.validUntil).epochMilliseconds] }
        let normAt = normInForce.map { Int64($0.daysSinceEpoch) * day }
        if let normAt { instants.append(normAt) }
        // a case with no episode and no order has nothing to draw (not a lone line for the norm)
        guard !incidents.isEmpty || !orders.isEmpty, let first = instants.min(), let last = instants.max() else { return }
        drawn = true
        // today is drawn when the time since the last mark is no longer than the marks' own span
        // (the episodes keep at least half the width); how long since the last episode shows
        let todayAt = today.map { Int64($0.daysSinceEpoch) * day + day / 2 }
        let lastShown = todayAt.map { $0 > last && $0 - last <= max(last - first, 30 * day) ? $0 : last } ?? last
        let start = first - day, end = max(lastShown + day, start + 7 * day)
        let left = 10.0, right = 790.0, base = 120.0
        func x(_ t: Int64) -> Double { left + (right - left) * Double(t - start) / Double(end - start) }
        bands = orders.map { order in
            let from = x(order.issuedAt.epochMilliseconds), to = x((order.revokedAt ?? order.validUntil).epochMilliseconds)
            return Band(x: Self.r(from), width: Self.r(max(to - from, 1)), title: words.orderName(order))
        }
        if let normAt { norm = Line(x: Self.r(x(normAt)), labelX: Self.r(x(normAt) + 3), label: words.date(LocalDate(daysSinceEpoch: Int(normAt / day)))) }
        if let todayAt, (start...end).contains(todayAt) {
            let at = x(todayAt)
            self.today = Line(x: Self.r(at), labelX: Self.r(at - 3), label: words.today)
        }
        ticks = Self.months(from: start, to: end).map { month in
            Tick(x: Self.r(x(Int64(month.daysSinceEpoch) * day)), label: words.month(month))
        }
        var perDay: [Int64: Int] = [:]
        var kinds: [IncidentKind] = []
        for incident in incidents.sorted(by: { $0.occurredAt.epochMilliseconds < $1.occurredAt.epochMilliseconds }) {
            let t = incident.occurredAt.epochMilliseconds
            let stack = perDay[t / day, default: 0]
            perDay[t / day] = stack + 1
            if !kinds.contains(incident.kind) { kinds.append(incident.kind) }
            marks.append(Mark(path: Self.path(Self.shapes[incident.kind] ?? .circle, x(t), base - 8 - Double(stack) * 13, 6),
                              fill: Self.colours[incident.kind] ?? "#000", violation: !(incident.violates ?? []).isEmpty,
                              title: words.episodeName(incident), href: "#incident-\(incident.id)"))
        }
        legend = IncidentKind.allCases.filter(kinds.contains).map { kind in
            LegendItem(path: Self.path(Self.shapes[kind] ?? .circle, 8, 8, 6), fill: Self.colours[kind] ?? "#000", label: words.kind(kind))
        }
    }

    /// The first days of the months between two instants: every month over a short span, every
    /// third or every January over longer ones, so that the labels do not overlap.
    static func months(from start: Int64, to end: Int64) -> [LocalDate] {
        let first = LocalDate(daysSinceEpoch: Int(start / 86_400_000)), last = LocalDate(daysSinceEpoch: Int(end / 86_400_000))
        let span = (last.year - first.year) * 12 + last.month - first.month
        let step = span <= 12 ? 1 : span <= 36 ? 3 : 12
        var result: [LocalDate] = []
        var (year, month) = first.month == 12 ? (first.year + 1, 1) : (first.year, first.month + 1)
        while let date = LocalDate(year: year, month: month, day: 1), date <= last {
            if (month - 1) % step == 0 { result.append(date) }
            (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
        }
        return result
    }

    /// An SVG path of a shape of radius `r` centred on (x, y).
    static func path(_ shape: Shape, _ x: Double, _ y: Double, _ r: Double) -> String {
        func polygon(_ points: [(Double, Double)]) -> String {
            "M" + points.map { "\(Self.r(x + $0.0)) \(Self.r(y + $0.1))" }.joined(separator: "L") + "Z"
        }
        func regular(_ sides: Int, rotation: Double) -> String {
            polygon((0..<sides).map { i in
                let angle = rotation + 2 * Double.pi * Double(i) / Double(sides)
                return (r * cos(angle), r * sin(angle))
            })
        }
        switch shape {
        case .circle: return "M\(Self.r(x - r)) \(Self.r(y))a\(Self.r(r)) \(Self.r(r)) 0 1 0 \(Self.r(2 * r)) 0a\(Self.r(r)) \(Self.r(r)) 0 1 0 \(Self.r(-2 * r)) 0Z"
        case .square: return polygon([(-r * 0.85, -r * 0.85), (r * 0.85, -r * 0.85), (r * 0.85, r * 0.85), (-r * 0.85, r * 0.85)])
        case .triangleUp: return regular(3, rotation: -Double.pi / 2)
        case .triangleDown: return regular(3, rotation: Double.pi / 2)
        case .diamond: return regular(4, rotation: 0)
        case .hexagon: return regular(6, rotation: 0)
        case .pentagon: return regular(5, rotation: -Double.pi / 2)
        case .plus:
            let a = r * 0.35
            return polygon([(-a, -r), (a, -r), (a, -a), (r, -a), (r, a), (a, a), (a, r), (-a, r), (-a, a), (-r, a), (-r, -a), (-a, -a)])
        }
    }

    private static func r(_ value: Double) -> String { String(format: "%.1f", value) }
}
