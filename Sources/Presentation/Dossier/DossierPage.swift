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
package enum DossierPage {
    package struct Input {
        package var file: CaseFile
        package var assessment: Assessment
        package var evidence: [StoredEvidence]
        package var incidentRefs: [UUID: String]
        package var head: ChainHead
        package var madeAt: Date
        package var pack: JurisdictionPack
        /// The page catalog of the dossier's language.
        package var t: [String: String]
        /// The monitoring's breaches as figures (`BreachFigures`).
        package var breaches: [LeafData] = []
    }

    /// The page, rendered by Leaf from `dossier.leaf` (every value escaped there; no markup is
    /// put together here), with its own content security policy for when it is opened from disk.
    package static func render(_ input: Input) async throws -> String {
        try await StandaloneLeaf.render("dossier", context(input))
    }

    /// Everything in the dossier's language: the same catalog and the same names as the case page.
    package static func context(_ input: Input) -> [String: LeafData] {
        let file = input.file, t = input.t, language = input.assessment.language
        let format = LocaleFormat(language: language.rawValue, timeZone: TimeZone(identifier: input.pack.timeZone) ?? .current)
        let words = CaseWords(t: t, format: format, pack: input.pack, language: language, file: file)
        let offence = input.assessment.offences.first
        func standing(_ id: String) -> String {
            guard let offence else { return "" }
            if offence.episodes.counted.contains(id) {
                return offence.episodes.administrativelySanctioned.contains(id) ? t["standing_countedSanctioned"] ?? "" : t["standing_counted"] ?? ""
            }
            if offence.episodes.adjudicated.contains(id) { return t["standing_adjudicated"] ?? "" }
            if offence.episodes.beforeInForce.contains(id) { return t["standing_beforeInForce"] ?? "" }
            if offence.episodes.timeBarred.contains(id) { return t["standing_timeBarred"] ?? "" }
            return t["standing_notCounted"] ?? ""
        }
        func row(_ pairs: KeyValuePairs<String, String>) -> LeafData {
            .dictionary(Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, LeafData.string($0.value)) }))
        }
        let offences: [LeafData] = input.assessment.offences.map { offence in
            .dictionary(["citation": .string(offence.citation),
                         "conclusion": .string(t["conclusion_\(offence.conclusion.rawValue)"] ?? offence.conclusion.rawValue),
                         "explanation": .string(words.prose(offence.explanation, figures: offence.unverified)),
                         "elements": .array(offence.elements.map { element in
                             row(["name": element.name, "status": t["status_\(element.status.rawValue)"] ?? element.status.rawValue,
                                  "incidents": words.episodeList(element.incidents), "note": words.prose(element.note)])
                         })])
        }
        let episodes: [LeafData] = file.incidents
            .sorted(by: { ($0.occurredAt.epochMilliseconds, $0.id) < ($1.occurredAt.epochMilliseconds, $1.id) })
            .map { incident in
                row(["when": format.dateTime(incident.occurredAt), "kind": t["incidentkind_\(incident.kind.rawValue)"] ?? incident.kind.rawValue,
                     "channel": t["channel_\(incident.channel.rawValue)"] ?? incident.channel.rawValue, "description": words.description(incident),
                     "againstWill": (incident.againstWill ? t["yes"] : t["no"]) ?? "", "violates": words.episodeList(incident.violates ?? []),
                     "standing": standing(incident.id)])
            }
        let orders: [LeafData] = file.protectiveOrders.map { order in
            row(["type": t["ordertype_\(order.type.rawValue)"] ?? order.type.rawValue, "issued": format.dateTime(order.issuedAt),
                 "validUntil": format.dateTime(order.revokedAt ?? order.validUntil), "issuer": order.issuer,
                 "violatedBy": words.episodeList(file.incidents.filter { $0.violates?.contains(order.id) == true }.map(\.id))])
        }
        let sanctions: [LeafData] = file.administrativeCases.map { admin in
            row(["article": words.article(admin.article), "decided": format.dateTime(admin.decidedAt),
                 "incidents": words.episodeList(admin.incidents)])
        }
        let evidence: [LeafData] = input.evidence.map { item in
            row(["episode": input.incidentRefs[item.incidentID].map(words.episode) ?? "", "name": item.name, "mediaType": item.mediaType,
                 "size": format.number(item.size), "sha256": item.sha256])
        }
        let made = (t["dossier_made"] ?? "")
            .replacingOccurrences(of: "{time}", with: format.dateTime(ZonedDateTime(epochMilliseconds: Int64(input.madeAt.timeIntervalSince1970 * 1000),
                                                                                    offsetSeconds: 0)))
            .replacingOccurrences(of: "{seq}", with: String(input.head.seq))
        return [
            "lang": .string(language.rawValue), "policy": .string(contentSecurityPolicy), "t": .dictionary(t.mapValues { .string($0) }),
            "number": .string(file.case.number ?? "—"), "title": .string(file.case.number ?? "—"),
            "jurisdiction": .string(input.pack.name[language]), "opened": .string(format.dateTime(file.case.openedAt)),
            "made": .string(made), "headHash": .string(input.head.hash),
            "offences": .array(offences), "episodes": .array(episodes), "orders": .array(orders),
            "sanctions": .array(sanctions), "evidence": .array(evidence), "breaches": .array(input.breaches), "disclaimer": .string(input.assessment.disclaimer),
        ]
    }

    /// The policy the page carries inside itself, for when it is opened from disk (no server, no
    /// headers): no script, no outside resource, no form, only its own inline style.
    package static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
}
