import Domain
import Foundation
import Law
import LeafKit
import Store

/// The printable court dossier of a case, as one self-contained HTML page (no script, no outside
/// resource): the episodes in time order with how the assessment counts each, the assessment's
/// elements, the orders and their violations, earlier administrative sanctions, the evidence with
/// hashes, and the audit chain's head at the time it was made. Built by a function so the server
/// and `qorgau export --dossier` give the same page.
enum DossierPage {
    struct Input {
        var file: CaseFile
        var assessment: Assessment
        var evidence: [StoredEvidence]
        var incidentRefs: [UUID: String]
        var head: ChainHead
        var madeAt: String
    }

    static func render(_ input: Input) -> String {
        let file = input.file
        var html = """
        <!doctype html>
        <html lang="\(e(input.assessment.language.rawValue))"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <title>Dossier \(e(file.case.number ?? ""))</title>
        <style>body{font:11pt/1.4 serif;margin:2em}table{border-collapse:collapse;width:100%;margin:1em 0}
        th,td{border:1px solid #444;padding:.25em .4em;text-align:left;vertical-align:top}code{font-size:9pt;word-break:break-all}
        @media print{h2{page-break-after:avoid}}</style></head><body>
        <h1>Case \(e(file.case.number ?? "(no number)")) — \(e(file.jurisdiction))</h1>
        <p>Opened \(e(file.case.openedAt.description)). Dossier made \(e(input.madeAt)) at audit record \(input.head.seq),
        chain head <code>\(e(input.head.hash))</code>.</p>

        """
        for offence in input.assessment.offences {
            html += "<h2>\(e(offence.citation)): \(e(offence.conclusion.rawValue))</h2>\n<p>\(e(offence.explanation))</p>\n"
            html += "<table><tr><th>Element</th><th>Status</th><th>Episodes</th><th>Note</th></tr>\n"
            for element in offence.elements {
                html += "<tr><td>\(e(element.name))</td><td>\(e(element.status.rawValue))</td>"
                    + "<td>\(e(element.incidents.joined(separator: ", ")))</td><td>\(e(element.note))</td></tr>\n"
            }
            html += "</table>\n"
        }
        let offence = input.assessment.offences.first
        func standing(_ id: String) -> String {
            guard let offence else { return "" }
            if offence.episodes.counted.contains(id) { return "counted" }
            if offence.episodes.beforeInForce.contains(id) { return "before the norm" }
            if offence.episodes.timeBarred.contains(id) { return "time-barred" }
            return "not counted"
        }
        html += "<h2>Episodes</h2>\n<table><tr><th>When</th><th>Id</th><th>Kind</th><th>Channel</th><th>What happened</th>"
            + "<th>Against her will</th><th>Violates</th><th>Assessment</th></tr>\n"
        for incident in file.incidents.sorted(by: { ($0.occurredAt.epochMilliseconds, $0.id) < ($1.occurredAt.epochMilliseconds, $1.id) }) {
            html += "<tr><td>\(e(incident.occurredAt.description))</td><td>\(e(incident.id))</td><td>\(e(incident.kind.rawValue))</td>"
                + "<td>\(e(incident.channel.rawValue))</td><td>\(e(incident.description))</td><td>\(incident.againstWill ? "yes" : "no")</td>"
                + "<td>\(e((incident.violates ?? []).joined(separator: ", ")))</td><td>\(e(standing(incident.id)))</td></tr>\n"
        }
        html += "</table>\n<h2>Protective orders</h2>\n<table><tr><th>Id</th><th>Type</th><th>Issued</th><th>Valid until</th><th>Issuer</th><th>Violated by</th></tr>\n"
        for order in file.protectiveOrders {
            let violations = file.incidents.filter { $0.violates?.contains(order.id) == true }.map(\.id)
            html += "<tr><td>\(e(order.id))</td><td>\(e(order.type.rawValue))</td><td>\(e(order.issuedAt.description))</td>"
                + "<td>\(e(order.validUntil.description))</td><td>\(e(order.issuer))</td><td>\(e(violations.joined(separator: ", ")))</td></tr>\n"
        }
        html += "</table>\n<h2>Earlier administrative sanctions</h2>\n<table><tr><th>Id</th><th>Article</th><th>Decided</th><th>Episodes</th></tr>\n"
        for admin in file.administrativeCases {
            html += "<tr><td>\(e(admin.id))</td><td>\(e(admin.article))</td><td>\(e(admin.decidedAt.description))</td>"
                + "<td>\(e(admin.incidents.joined(separator: ", ")))</td></tr>\n"
        }
        html += "</table>\n<h2>Evidence</h2>\n<table><tr><th>Episode</th><th>File</th><th>Type</th><th>Bytes</th><th>SHA-256</th></tr>\n"
        for item in input.evidence {
            html += "<tr><td>\(e(input.incidentRefs[item.incidentID] ?? ""))</td><td>\(e(item.name))</td><td>\(e(item.mediaType))</td>"
                + "<td>\(item.size)</td><td><code>\(e(item.sha256))</code></td></tr>\n"
        }
        html += "</table>\n<p>\(e(input.assessment.disclaimer))</p>\n</body></html>\n"
        return html
    }

    /// The policy the page carries inside itself, for when it is opened from disk (no server, no
    /// headers): no script, no outside resource, no form, only its own inline style.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"

    /// HTML escaping for text and attribute values, by Unicode scalar (LeafKit's): walking
    /// grapheme clusters would let a combining or prepended mark hide a `<` inside a cluster.
    static func e(_ text: String) -> String { text.htmlEscaped() }
}
