import Cases
import Foundation
import Law
import Store
import Vapor

struct DeliveryWorkerKey: StorageKey { typealias Value = DeliveryWorker }

extension Application {
    /// The outbox's sender for this server's channels (started by `startDeliveries`, or run by
    /// hand in tests with their own clock).
    package func makeDeliveryWorker(settings: DeliveryWorker.Settings = .init(), clock: @escaping @Sendable () -> Date = Date.init) -> DeliveryWorker {
        let senders = makeSenders(clock: clock)
        let packs = self.packs
        let routing = AlertRouting(channels: Set(senders.keys)) { jurisdiction, at in
            let zone = (try? packs.pack(for: jurisdiction)).flatMap { TimeZone(identifier: $0.timeZone) } ?? .current
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(at) / 1000))
        }
        let logger = self.logger
        return DeliveryWorker(db: db, routing: routing, senders: senders, texts: deliveryTexts, settings: settings, clock: clock,
                              onError: { logger.error("\($0)") })
    }

    /// The messages' texts, from the page catalogs.
    package var deliveryTexts: any DeliveryTexts {
        CatalogDeliveryTexts(catalogs: catalogs, packs: packs, publicURL: qorgauConfig.alertChannels.publicURL)
    }

    /// A sender for each configured channel.
    package func makeSenders(clock: @escaping @Sendable () -> Date = Date.init) -> [DeliveryChannel: any DeliverySender] {
        let channels = qorgauConfig.alertChannels
        let client = http.client.shared
        var senders: [DeliveryChannel: any DeliverySender] = [:]
        if let url = channels.webhookURL, let secret = channels.webhookSecret {
            senders[.webhook] = WebhookSender(url: url, secret: secret, client: client, clock: clock)
        }
        if let sms = channels.sms { senders[.sms] = GatewaySender(sms, client: client) }
        if let voice = channels.voice { senders[.voice] = GatewaySender(voice, client: client) }
        if let email = channels.email { senders[.email] = EmailSender(email, clock: clock) }
        if let push = channels.push, let key = qorgauConfig.pushKey {
            senders[.push] = WebPushSender(settings: push, key: key, db: db, client: client, clock: clock)
        }
        return senders
    }

    /// Starts sending the outbox, woken whenever this instance or another stores an alert event.
    func startDeliveries() async {
        let poll = qorgauConfig.alertChannels.pollMilliseconds
        guard poll > 0 else { return }
        var settings = DeliveryWorker.Settings()
        settings.pollInterval = .milliseconds(poll)
        let worker = makeDeliveryWorker(settings: settings)
        storage[DeliveryWorkerKey.self] = worker
        await monitoring.whenEventsStored { await worker.wake() }
        let task = Task { await worker.run() }
        lifecycle.use(TaskStopper(task: task))
    }

    /// The running delivery worker, if any.
    var deliveryWorker: DeliveryWorker? { storage[DeliveryWorkerKey.self] }
}
