import Cases
import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// The messages of alerts in the recipient's language, from the page catalogs. An officer is
/// told what happened, in which case and when, with a link to the alert console; a victim only
/// that the respondent may be near and what to do (no "Qorgau", no case number: her phone may
/// be seen by others); the duty centre gets the event as JSON.
struct CatalogDeliveryTexts: DeliveryTexts {
    let catalogs: Catalogs
    let packs: PackLibrary
    let publicURL: String?

    func message(for delivery: Delivery, context: DeliveryContext) -> OutgoingMessage {
        let t = catalogs.words(delivery.planned.language)
        let pack = try? packs.pack(for: context.jurisdiction)
        let zone = pack.flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(secondsFromGMT: context.alert.at.offsetSeconds) ?? .current
        let time = LocaleFormat(language: delivery.planned.language, timeZone: zone).dateTime(context.alert.at)
        let json = (try? JSONEncoder.api.encode(WebhookPayload(delivery: delivery, context: context))) ?? Data("{}".utf8)
        switch delivery.planned.audience {
        case .victim:
            let text = (t["notify_victim_near"] ?? "")
                .replacingOccurrences(of: "{time}", with: time)
                .replacingOccurrences(of: "{emergency}", with: pack?.emergencyNumber ?? "112")
            return OutgoingMessage(delivery: delivery, title: t["notify_victim_title"] ?? "", text: text, link: nil, json: json)
        case .officer, .dutyCentre:
            let event = context.event
            let headline = (t["notify_\(event.kind.rawValue)"] ?? event.kind.rawValue).replacingOccurrences(of: "{step}", with: String(event.step))
            let kind = t["alertkind_\(context.alert.kind.rawValue)"] ?? context.alert.kind.rawValue
            let text = "\(headline): \(kind) — \(t["notify_case"] ?? "") \(context.caseNumber ?? "—"), \(time)"
            return OutgoingMessage(delivery: delivery, title: t["notify_title"] ?? "Qorgau", text: text,
                                   link: publicURL.map { "\($0)/alerts#a-\(context.alert.id.apiString)" }, json: json)
        }
    }
}

extension CatalogDeliveryTexts {
    /// News of her case, in her language, without the service's name or the case's number; with
    /// the date it names (her order's end, the day it was revoked) in the order's own calendar day.
    func message(for delivery: Delivery, notice: NoticeContext) -> OutgoingMessage {
        let t = catalogs.words(delivery.planned.language)
        let format = LocaleFormat(language: delivery.planned.language, timeZone: .current)
        let date = notice.notice.date.map { format.date($0.localDate) } ?? ""
        let emergency = (try? packs.pack(for: notice.jurisdiction))?.emergencyNumber ?? "112"
        let text = (t["notice_\(notice.notice.kind.rawValue)"] ?? notice.notice.kind.rawValue)
            .replacingOccurrences(of: "{date}", with: date).replacingOccurrences(of: "{emergency}", with: emergency)
        let json = (try? JSONEncoder.api.encode(["kind": notice.notice.kind.rawValue])) ?? Data("{}".utf8)
        return OutgoingMessage(delivery: delivery, title: t["notify_victim_title"] ?? "", text: text, link: nil, json: json)
    }
}

/// What the duty centre's webhook receives.
struct WebhookPayload: Encodable {
    struct EventPart: Encodable { var id: String; var kind: String; var step: Int; var at: String; var actor: String }
    struct CasePart: Encodable { var id: String; var number: String?; var unit: String? }
    /// The delivery's id: the same on every attempt (also the Idempotency-Key header).
    var delivery: String
    var event: EventPart
    var alert: AlertResponse
    var `case`: CasePart

    init(delivery: Delivery, context: DeliveryContext) {
        self.delivery = delivery.idempotencyKey
        event = EventPart(id: context.event.id.apiString, kind: context.event.kind.rawValue, step: context.event.step,
                          at: Timestamp.text(context.event.at), actor: context.event.actor)
        alert = AlertResponse(context.alert, position: context.position)
        `case` = CasePart(id: context.alert.caseID.apiString, number: context.caseNumber, unit: context.unit)
    }
}
