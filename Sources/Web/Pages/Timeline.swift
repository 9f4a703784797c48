import Domain
import Foundation

/// The case's timeline, laid out for an inline SVG (`timeline.leaf`, which Leaf escapes): one dot
/// per episode on its day (stacked when several fall on one day), coloured by kind and ringed red
/// when it broke an order; order periods as bands; a dashed line where the norm came into force.
/// Only positions are computed here; no markup is.
struct Timeline: Encodable {
    struct Band: Encodable { var x: String; var width: String; var title: String }
    struct Dot: Encodable { var cx: String; var cy: String; var fill: String; var violation: Bool; var title: String }
    struct Norm: Encodable { var x: String; var labelX: String; var label: String }

    var label: String
    var bands: [Band] = []
    var norm: Norm?
    var dots: [Dot] = []
    var axisLeft = "10.0", axisRight = "790.0", baseline = "120.0"
    var firstDay = "", lastDay = ""
    /// False when there is nothing to draw.
    var drawn = false

    static let colours: [IncidentKind: String] = [
        .contact: "#1a5fb4", .tracking: "#613583", .threat: "#c01c28", .privacyIntrusion: "#986a44",
        .publicConflict: "#e66100", .propertyDamage: "#5e5c64", .violence: "#a51d2d", .other: "#3d3846",
    ]

    init(incidents: [Incident], orders: [ProtectiveOrder], normInForce: LocalDate?, label: String,
         kindLabel: (IncidentKind) -> String, format: (Int64) -> String, orderName: (ProtectiveOrder) -> String = { $0.id }) {
        self.label = label
        let day: Int64 = 86_400_000
        var instants = incidents.map(\.occurredAt.epochMilliseconds)
        for order in orders { instants += [order.issuedAt.epochMilliseconds, (order.revokedAt ?? order.validUntil).epochMilliseconds] }
        let normAt = normInForce.map { Int64($0.daysSinceEpoch) * day }
        if let normAt { instants.append(normAt) }
        guard let first = instants.min(), let last = instants.max() else { return }
        drawn = true
        let start = first - day, end = max(last + day, start + 7 * day)
        let left = 10.0, right = 790.0, base = 120.0
        func x(_ t: Int64) -> Double { left + (right - left) * Double(t - start) / Double(end - start) }
        bands = orders.map { order in
            let from = x(order.issuedAt.epochMilliseconds), to = x((order.revokedAt ?? order.validUntil).epochMilliseconds)
            return Band(x: Self.r(from), width: Self.r(max(to - from, 1)), title: orderName(order))
        }
        if let normAt { norm = Norm(x: Self.r(x(normAt)), labelX: Self.r(x(normAt) + 3), label: format(normAt)) }
        var perDay: [Int64: Int] = [:]
        for incident in incidents.sorted(by: { $0.occurredAt.epochMilliseconds < $1.occurredAt.epochMilliseconds }) {
            let t = incident.occurredAt.epochMilliseconds
            let stack = perDay[t / day, default: 0]
            perDay[t / day] = stack + 1
            dots.append(Dot(cx: Self.r(x(t)), cy: Self.r(base - 8 - Double(stack) * 11), fill: Self.colours[incident.kind] ?? "#000",
                            violation: !(incident.violates ?? []).isEmpty,
                            title: "\(kindLabel(incident.kind)), \(format(t))"))
        }
        firstDay = format(start + day)
        lastDay = format(end - day)
    }

    private static func r(_ value: Double) -> String { String(format: "%.1f", value) }
}
