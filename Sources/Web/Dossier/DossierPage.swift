import Domain
import Foundation
import Law
import LeafKit
import Store

/// The printable court dossier of a case, as one self-contained HTML page (no script, no outside
/// resource, and a policy inside it that forbids both): the episodes in time order with how the assessment counts each, the assessment's
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

    /// The page, rendered by Leaf from `dossier.leaf` (every value escaped there; no markup is
    /// put together here), with its own content security policy for when it is opened from disk.
    static func render(_ input: Input) async throws -> String {
        try await StandaloneLeaf.render("dossier", context(input))
    }

    static func context(_ input: Input) -> [String: LeafData] {
        let file = input.file
        let offence = input.assessment.offences.first
        func standing(_ id: String) -> String {
            guard let offence else { return "" }
            if offence.episodes.counted.contains(id) { return "counted" }
            if offence.episodes.beforeInForce.contains(id) { return "before the norm" }
            if offence.episodes.timeBarred.contains(id) { return "time-barred" }
            return "not counted"
        }
        func row(_ pairs: KeyValuePairs<String, String>) -> LeafData {
            .dictionary(Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, LeafData.string($0.value)) }))
        }
        let offences: [LeafData] = input.assessment.offences.map { offence in
            .dictionary(["citation": .string(offence.citation), "conclusion": .string(offence.conclusion.rawValue),
                         "explanation": .string(offence.explanation),
                         "elements": .array(offence.elements.map { element in
                             row(["name": element.name, "status": element.status.rawValue,
                                  "incidents": element.incidents.joined(separator: ", "), "note": element.note])
                         })])
        }
        let episodes: [LeafData] = file.incidents
            .sorted(by: { ($0.occurredAt.epochMilliseconds, $0.id) < ($1.occurredAt.epochMilliseconds, $1.id) })
            .map { incident in
                row(["when": incident.occurredAt.description, "id": incident.id, "kind": incident.kind.rawValue,
                     "channel": incident.channel.rawValue, "description": incident.description,
                     "againstWill": incident.againstWill ? "yes" : "no", "violates": (incident.violates ?? []).joined(separator: ", "),
                     "standing": standing(incident.id)])
            }
        let orders: [LeafData] = file.protectiveOrders.map { order in
            row(["id": order.id, "type": order.type.rawValue, "issued": order.issuedAt.description,
                 "validUntil": order.validUntil.description, "issuer": order.issuer,
                 "violatedBy": file.incidents.filter { $0.violates?.contains(order.id) == true }.map(\.id).joined(separator: ", ")])
        }
        let sanctions: [LeafData] = file.administrativeCases.map { admin in
            row(["id": admin.id, "article": admin.article, "decided": admin.decidedAt.description,
                 "incidents": admin.incidents.joined(separator: ", ")])
        }
        let evidence: [LeafData] = input.evidence.map { item in
            row(["episode": input.incidentRefs[item.incidentID] ?? "", "name": item.name, "mediaType": item.mediaType,
                 "size": String(item.size), "sha256": item.sha256])
        }
        return [
            "lang": .string(input.assessment.language.rawValue), "policy": .string(contentSecurityPolicy),
            "number": .string(file.case.number ?? ""), "title": .string(file.case.number ?? "(no number)"),
            "jurisdiction": .string(file.jurisdiction), "opened": .string(file.case.openedAt.description),
            "madeAt": .string(input.madeAt), "headSeq": .string(String(input.head.seq)), "headHash": .string(input.head.hash),
            "offences": .array(offences), "episodes": .array(episodes), "orders": .array(orders),
            "sanctions": .array(sanctions), "evidence": .array(evidence), "disclaimer": .string(input.assessment.disclaimer),
        ]
    }

    /// The policy the page carries inside itself, for when it is opened from disk (no server, no
    /// headers): no script, no outside resource, no form, only its own inline style.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
}
