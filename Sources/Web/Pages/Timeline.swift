import Domain
import Foundation

/// The case's timeline as an inline SVG: one dot per episode on its day (stacked when several
/// fall on one day), coloured by kind and ringed red when it broke an order; order periods as
/// bands; a dashed line where the norm came into force. Text in it is escaped.
enum Timeline {
    static let colours: [IncidentKind: String] = [
        .contact: "#1a5fb4", .tracking: "#613583", .threat: "#c01c28", .privacyIntrusion: "#986a44",
        .publicConflict: "#e66100", .propertyDamage: "#5e5c64", .violence: "#a51d2d", .other: "#3d3846",
    ]

    static func svg(incidents: [Incident], orders: [ProtectiveOrder], normInForce: LocalDate?, label: String,
                    kindLabel: (IncidentKind) -> String, format: (Int64) -> String) -> String {
        let day: Int64 = 86_400_000
        var instants = incidents.map(\.occurredAt.epochMilliseconds)
        for order in orders { instants += [order.issuedAt.epochMilliseconds, (order.revokedAt ?? order.validUntil).epochMilliseconds] }
        let norm = normInForce.map { Int64($0.daysSinceEpoch) * day }
        if let norm { instants.append(norm) }
        guard let first = instants.min(), let last = instants.max() else { return "" }
        let start = first - day, end = max(last + day, start + 7 * day)
        let width = 800.0, left = 10.0, right = 790.0, top = 24.0, baseline = 120.0
        func x(_ t: Int64) -> Double { left + (right - left) * Double(t - start) / Double(end - start) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) 150\" role=\"img\" aria-label=\"\(e(label))\" class=\"timeline\">"
        for order in orders {
            let from = x(order.issuedAt.epochMilliseconds), to = x((order.revokedAt ?? order.validUntil).epochMilliseconds)
            out += "<rect x=\"\(r(from))\" y=\"\(r(top))\" width=\"\(r(max(to - from, 1)))\" height=\"\(r(baseline - top))\" fill=\"#99c1f1\" fill-opacity=\"0.35\"><title>\(e(order.id))</title></rect>"
        }
        if let norm {
            let at = x(norm)
            out += "<line x1=\"\(r(at))\" y1=\"10\" x2=\"\(r(at))\" y2=\"\(r(baseline))\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
            out += "<text x=\"\(r(at + 3))\" y=\"18\" font-size=\"10\">\(e(format(norm)))</text>"
        }
        out += "<line x1=\"\(r(left))\" y1=\"\(r(baseline))\" x2=\"\(r(right))\" y2=\"\(r(baseline))\" stroke=\"#777\"/>"
        var perDay: [Int64: Int] = [:]
        for incident in incidents.sorted(by: { $0.occurredAt.epochMilliseconds < $1.occurredAt.epochMilliseconds }) {
            let t = incident.occurredAt.epochMilliseconds
            let stack = perDay[t / day, default: 0]
            perDay[t / day] = stack + 1
            let violation = !(incident.violates ?? []).isEmpty
            let stroke = violation ? " stroke=\"#e01b24\" stroke-width=\"3\"" : ""
            out += "<circle cx=\"\(r(x(t)))\" cy=\"\(r(baseline - 8 - Double(stack) * 11))\" r=\"5\" fill=\"\(colours[incident.kind] ?? "#000")\"\(stroke)>"
            out += "<title>\(e(incident.id)): \(e(kindLabel(incident.kind))), \(e(format(t)))</title></circle>"
        }
        out += "<text x=\"\(r(left))\" y=\"140\" font-size=\"10\">\(e(format(start + day)))</text>"
        out += "<text x=\"\(r(right))\" y=\"140\" font-size=\"10\" text-anchor=\"end\">\(e(format(end - day)))</text>"
        return out + "</svg>"
    }

    private static func r(_ value: Double) -> String { String(format: "%.1f", value) }
    private static func e(_ text: String) -> String { DossierPage.e(text) }
}
