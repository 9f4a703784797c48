import Cases
import Crypto
import Domain
import Fluent
import Foundation
import Monitoring
import Store
import Vapor

/// The live monitoring of this instance: one engine per case it owns (see `MonitoringCluster`),
/// found by device id; built from the database at start and kept in step with orders and devices.
/// A batch of pings is checked, then its pings, alerts and breach incidents are stored in one
/// transaction, and only then does the engine keep its new state and do officers hear of the
/// alerts — on this instance at once, on the others through `notify` (PostgreSQL NOTIFY).
package actor MonitoringHub {
    /// What a subscribed officer receives.
    package struct Event: Sendable, Codable {
        /// "alert", "escalation", "acknowledged" or "handover".
        var event: String
        package var alert: AlertResponse
        /// The alert event's id (`AlertEvent`): the stream's `id:`, from which a reconnection resumes.
        var id: String?

        init(event: String, alert: AlertResponse, id: UUID?) {
            self.event = event; self.alert = alert; self.id = id?.uuidString.lowercased()
        }

        init(_ event: AlertEvent, alert: AlertResponse) {
            self.init(event: Self.name(of: event.kind), alert: alert, id: event.id)
        }

        /// The stream's name for each kind of event.
        static func name(of kind: AlertEvent.Kind) -> String {
            switch kind {
            case .raised: "alert"
            case .escalated: "escalation"
            case .acknowledged: "acknowledged"
            case .handedOver: "handover"
            }
        }
    }

    struct Subscriber {
        var scope: CaseScope
        var continuation: AsyncStream<Event>.Continuation
    }

    /// This instance, as the origin of the messages it sends the others.
    nonisolated let instanceID = UUID()
    /// Where the track is written and read (on a SQLite file, its own writer: each group in one trip).
    package nonisolated let track: any TrackStorage

    init(track: any TrackStorage = DriverTrack()) { self.track = track }

    /// Told when alert events were stored here or on another instance (the delivery worker).
    private var eventsStored: (@Sendable () async -> Void)?

    func whenEventsStored(_ action: @escaping @Sendable () async -> Void) { eventsStored = action }

    /// The track and alerts, written through the track's writer where there is one: on a SQLite
    /// file another connection's write would make the next group wait for its lock.
    private func store(_ db: any Database) -> MonitoringStore { MonitoringStore(db: db, track: track) }

    private(set) var cluster = MonitoringCluster.single
    /// Until when this instance's lease holds (nil: one instance alone, no lease). Once it has run
    /// out the others may have taken its cases, so it checks no ping and sweeps no device until
    /// the lease is renewed.
    private var leaseHeldUntil: ContinuousClock.Instant?
    /// Tells the other instances (set when several share PostgreSQL; nil otherwise).
    private var notify: (@Sendable (ClusterMessage) async -> Void)?

    private var leaseHeld: Bool { leaseHeldUntil.map { ContinuousClock.now < $0 } ?? true }
    /// How pings are refused while the lease is not held, or while instances disagree for a
    /// moment on who watches a case (one has joined or left).
    static let ownerChanging = "the instances are changing which of them watches this device; " + PingRouter.sendAgain

    /// The engines of the cases this instance watches.
    private var watched: [UUID: MonitoringEngine] = [:]
    /// Every watched device of every case, owned here or not: where to send its pings.
    private var caseOfDevice: [String: UUID] = [:]
    private var devicesOfCase: [UUID: [String]] = [:]
    private var unitOfCase: [UUID: String?] = [:]
    private var subscribers: [UUID: Subscriber] = [:]
    /// How many streams are listening (for tests that must wait until one is).
    var subscriberCount: Int { subscribers.count }
    /// Held while a change is computed and stored: an actor alone would let two batches for the
    /// same case interleave at the database write.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private var loaded = false
    /// Whether a load takes each respondent's zones from his last stored ping as already alerted
    /// (at start) or not (after `reload`, when an order may have been missed).
    private var restoreZones = true

    /// The owned cases whose engines are not built yet: at start pings are routed at once and the
    /// engines built after, a thousand cases at a time between groups of pings, or at once for a
    /// case a ping arrives for. `generation` stops a builder whose load was superseded.
    private var pendingEngines = Set<UUID>()
    private var pendingRestoreZones = true
    private var generation = 0

    /// How many owned cases' engines are still to be built (-1 before the first load): 0 when the
    /// monitoring is ready.
    func enginesPending() -> Int { loaded ? pendingEngines.count : -1 }

    /// Takes the lock, and the first time reads where every device's pings go (the engines are
    /// built after, by `buildPendingEngines`, or for a case when a ping arrives for it).
    private func acquire(loading db: any Database) async throws {
        if busy { await withCheckedContinuation { waiting.append($0) } } else { busy = true }
        guard !loaded else { return }
        do {
            for (caseID, routing) in try await CaseFileStore(db: db).monitoredDevices() {
                devicesOfCase[caseID] = routing.devices
                for device in routing.devices { caseOfDevice[device] = caseID }
                unitOfCase[caseID] = routing.unit
                if cluster.owns(caseID), watched[caseID] == nil { pendingEngines.insert(caseID) }
            }
            pendingRestoreZones = restoreZones
            loaded = true
            restoreZones = true
            generation += 1
            let current = generation
            Task { await self.buildPendingEngines(db: db, generation: current) }
        } catch {
            release()
            throw error
        }
    }

    /// Builds the pending engines a chunk at a time, taking the lock for each chunk only, so that
    /// pings are checked in between.
    private func buildPendingEngines(db: any Database, generation current: Int) async {
        while generation == current, !pendingEngines.isEmpty {
            do {
                try await acquire(loading: db)
                defer { release() }
                guard generation == current else { return }
                try await buildEngines(Array(pendingEngines.prefix(1_000)), db: db)
            } catch {
                return // built on their first ping instead
            }
        }
    }

    /// Builds the engines of these pending cases (under the lock).
    private func buildEngines(_ caseIDs: [UUID], db: any Database) async throws {
        let ids = caseIDs.filter { pendingEngines.contains($0) }
        guard !ids.isEmpty else { return }
        let files = try await CaseFileStore(db: db).monitoredCaseFiles(only: ids).map { ($0.0.id, $0.1) }
        let restored = try await restored(files, db: db)
        for (caseID, file) in files { install(caseID, file: file, restoring: restored[caseID]) }
        pendingEngines.subtract(ids) // a case whose devices are gone meanwhile has none
    }

    /// Whether every engine of this instance is built.
    var enginesReady: Bool { loaded && pendingEngines.isEmpty }

    /// Builds every pending engine now (a benchmark that stores a history behind the engines'
    /// back wants them built from before it).
    package func buildAllEngines(db: any Database) async throws {
        try await acquire(loading: db)
        defer { release() }
        while !pendingEngines.isEmpty { try await buildEngines(Array(pendingEngines.prefix(1_000)), db: db) }
    }

    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    // MARK: the instances

    /// Takes this instance's place among several; the engines are rebuilt for the cases it owns.
    func join(_ cluster: MonitoringCluster, leaseHeldUntil: ContinuousClock.Instant? = nil,
              notify: (@Sendable (ClusterMessage) async -> Void)?) {
        self.cluster = cluster
        self.leaseHeldUntil = leaseHeldUntil
        self.notify = notify
        loaded = false
        pendingEngines = []
        watched = [:]
        caseOfDevice = [:]
        devicesOfCase = [:]
        unitOfCase = [:]
    }

    /// A renewed lease, with the instances whose leases hold: when they are not those of before,
    /// the engines of cases this instance no longer owns are dropped, and those of cases it now
    /// owns are built from the stored track (each device's last ping and silence), so a device
    /// that fell silent while its instance was down is reported by the next sweep.
    func renewLease(_ cluster: MonitoringCluster, heldUntil: ContinuousClock.Instant, db: any Database) async throws {
        if let held = leaseHeldUntil, heldUntil < held { return } // a reading older than one applied
        leaseHeldUntil = heldUntil
        guard cluster != self.cluster else { return }
        guard loaded else { self.cluster = cluster; return } // the first load places the cases
        try await acquire(loading: db)
        defer { release() }
        guard heldUntil == leaseHeldUntil else { return } // a newer reading came meanwhile and places the cases itself
        self.cluster = cluster
        for caseID in watched.keys where !cluster.owns(caseID) { watched[caseID] = nil }
        if pendingEngines.isEmpty { pendingRestoreZones = true } // the previous owner alerted what it alerted
        pendingEngines = pendingEngines.filter(cluster.owns)
        for caseID in devicesOfCase.keys where cluster.owns(caseID) && watched[caseID] == nil { pendingEngines.insert(caseID) }
        generation += 1
        let current = generation
        Task { await self.buildPendingEngines(db: db, generation: current) }
    }

    /// The instance's lease was not renewed in time (for tests that stop an instance as a crash would).
    func loseLease() { leaseHeldUntil = .now }

    /// The cases this instance watches (engines built or pending).
    var watchedCases: Set<UUID> { Set(watched.keys).union(pendingEngines) }
    var ownedCaseCount: Int { watched.count + pendingEngines.count }

    /// Which instance each ping goes to: indices of the batch by owner (unknown devices stay here,
    /// to be refused with their reason).
    func route(_ batch: [Result<Ping, PingRefusal>], db: any Database) async throws -> [String: [Int]] {
        if !loaded { try await load(db: db) }
        return plan(batch)
    }

    /// Queues the batch as `enqueue` does if every ping of it is checked on this instance, and
    /// says whether it did (if not, the batch goes through `PingRouter`).
    /// `arrived`: when the batch reached the server, the time its alerts are raised at.
    func enqueueIfLocal(_ batch: [Result<Ping, PingRefusal>], db: any Database, by subject: String, arrived: Date = Date(),
                        reply: @escaping @Sendable (Result<Outcome, any Error>) -> Void) async throws -> Bool {
        if !loaded { try await load(db: db) }
        if cluster.count > 1, plan(batch).keys.contains(where: { $0 != cluster.selfID }) { return false }
        enqueue(batch, db: db, by: subject, now: arrived, reply: reply)
        return true
    }

    private func plan(_ batch: [Result<Ping, PingRefusal>]) -> [String: [Int]] {
        guard leaseHeld else { return [cluster.selfID: Array(batch.indices)] } // refused here, to be sent again
        var plan: [String: [Int]] = [:]
        for (index, item) in batch.enumerated() {
            let owner = (try? item.get()).flatMap { caseOfDevice[$0.device] }.map(cluster.owner(of:)) ?? cluster.selfID
            plan[owner, default: []].append(index)
        }
        return plan
    }

    /// Forgets the engines and builds them again from the database at the next use: after the
    /// line to the other instances was down, a case may have changed without this instance
    /// hearing of it. Each device's time and position come from its last stored ping, but not
    /// which zones were already alerted: pings taken while an order was unknown here raised
    /// nothing, so a respondent inside a zone raises its alert at his next ping.
    func reload(db: any Database) async throws {
        try await acquire(loading: db)
        loaded = false
        restoreZones = false
        pendingEngines = []
        watched = [:]
        caseOfDevice = [:]
        devicesOfCase = [:]
        unitOfCase = [:]
        release()
    }

    /// A message from another instance: an alert to pass to this instance's officers, or a case
    /// that changed there.
    func receive(_ message: ClusterMessage, db: any Database) async {
        guard message.origin != instanceID else { return }
        switch message.kind {
        case .alert, .escalation:
            guard let event = message.event, let caseID = UUID(uuidString: event.alert.caseId) else { return }
            publish(event, unit: message.unit ?? unitOfCase[caseID] ?? nil)
            if let eventsStored { Task { await eventsStored() } }
        case .refresh:
            guard let caseID = message.caseID else { return }
            try? await refresh(caseID, db: db, tellOthers: false)
        case .members:
            break // read by the leases (`InstanceLeases`)
        }
    }

    // MARK: keeping in step with the cases

    /// Every case with devices, with each device's last stored ping restored (done at the first
    /// use if not before).
    package func load(db: any Database) async throws {
        try await acquire(loading: db)
        release()
    }

    /// After a case's orders or devices changed (here, or on another instance when `tellOthers` is false).
    func refresh(_ caseID: UUID, db: any Database, tellOthers: Bool = true) async throws {
        try await acquire(loading: db)
        do {
            let file = try await CaseFileStore(db: db).exportCaseFile(caseID: caseID, scope: .all)
            if !(file.devices ?? []).isEmpty || watched[caseID] != nil || unitOfCase[caseID] != nil {
                install(caseID, file: file, restoring: watched[caseID] == nil ? try await restored([(caseID, file)], db: db)[caseID] : nil)
            }
            release()
        } catch {
            release()
            throw error
        }
        if tellOthers, let notify { await notify(ClusterMessage(origin: instanceID, kind: .refresh, caseID: caseID)) }
    }

    /// What a start restores of a case's engine: each device's last stored ping, and when each
    /// was last reported silent.
    private struct Restored {
        var lastPings: [StoredPing] = []
        var silences: [String: Int64] = [:]
    }

    /// What to restore of the engines of those of `cases` this instance owns, read for all of
    /// them at once (one trip per table, not three per case).
    private func restored(_ cases: [(UUID, CaseFile)], db: any Database) async throws -> [UUID: Restored] {
        let owned = cases.filter { cluster.owns($0.0) }
        guard !owned.isEmpty else { return [:] }
        let stored = store(db)
        let devices = owned.flatMap { caseID, file in Set((file.devices ?? []).map(\.id)).sorted().map { (caseID, $0) } }
        var restored: [UUID: Restored] = [:]
        for ping in try await stored.lastPings(devices) { restored[ping.caseID, default: Restored()].lastPings.append(ping) }
        let silences = owned.count == 1 ? [owned[0].0: try await stored.latestSilences(caseID: owned[0].0)] : try await stored.latestSilences()
        let ownedIDs = Set(owned.map(\.0))
        for (caseID, latest) in silences where ownedIDs.contains(caseID) {
            restored[caseID, default: Restored()].silences = latest
        }
        return restored
    }

    /// Keeps a case's devices and, if this instance owns it, its engine: made anew or updated
    /// with the case file, and given what `restoring` holds (at start; nil keeps the state).
    private func install(_ caseID: UUID, file: CaseFile, restoring: Restored?) {
        for device in devicesOfCase[caseID] ?? [] where caseOfDevice[device] == caseID { caseOfDevice[device] = nil }
        devicesOfCase[caseID] = (file.devices ?? []).map(\.id)
        for device in file.devices ?? [] { caseOfDevice[device.id] = caseID }
        unitOfCase[caseID] = file.case.unit
        guard cluster.owns(caseID) else { return }
        // an engine built after a start or a reload restores as that load would have
        let zones = pendingEngines.remove(caseID) != nil ? pendingRestoreZones : restoreZones
        var engine = watched[caseID].map { $0.updated(with: file) } ?? MonitoringEngine(file: file)
        if let restoring {
            for ping in restoring.lastPings.sorted(by: { $0.at.epochMilliseconds < $1.at.epochMilliseconds }) {
                engine.restore(Ping(stored: ping), zones: zones)
            }
            for (device, at) in restoring.silences { engine.restoreSilence(device: device, reportedAt: at) }
        }
        watched[caseID] = engine
    }

    var deviceCount: Int { caseOfDevice.count }

    // MARK: pings

    struct Outcome: Sendable {
        var accepted: Int
        var refused: [(index: Int, device: String?, reason: String)]
        var alerts: [StoredAlert]
    }

    /// A batch waiting for the writer, with the request that waits for its outcome.
    private struct Pending {
        var batch: [Result<Ping, PingRefusal>]
        var subject: String
        var now: Date
        var db: any Database
        var reply: @Sendable (Result<Outcome, any Error>) -> Void
    }

    private var queue: [Pending] = []
    private var writing = false
    /// The most pings one transaction takes from the queue.
    static let groupLimit = 10_000

    /// Checks a batch, stores what it accepted with the alerts raised, then tells subscribers.
    /// Batches that arrive while one is being stored wait and are then checked in their order and
    /// stored together in one transaction (group commit): many small batches cost one commit, and
    /// each sender is answered only once its pings are durable.
    func ingest(_ batch: [Result<Ping, PingRefusal>], db: any Database, by subject: String, now: Date = Date()) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(batch, db: db, by: subject, now: now) { continuation.resume(with: $0) }
        }
    }

    /// Queues a batch and returns at once; `reply` is called with its outcome once it is stored.
    /// Batches are checked in the order they are queued, so a connection that queues its messages
    /// one after another without waiting (the WebSocket) keeps its pings in order.
    func enqueue(_ batch: [Result<Ping, PingRefusal>], db: any Database, by subject: String, now: Date = Date(),
                 reply: @escaping @Sendable (Result<Outcome, any Error>) -> Void) {
        let queued = DispatchTime.now()
        let reply: @Sendable (Result<Outcome, any Error>) -> Void = { result in
            if case .success(let outcome) = result {
                OperationsMetrics.record(accepted: outcome.accepted, refusals: outcome.refused.map(\.reason),
                                         alertKinds: outcome.alerts.map(\.kind), since: queued)
            }
            reply(result)
        }
        queue.append(Pending(batch: batch, subject: subject, now: now, db: db, reply: reply))
        if !writing {
            writing = true
            Task { await self.drain() }
        }
    }

    /// Stores what is queued, a group at a time, until the queue is empty.
    private func drain() async {
        while let first = queue.first {
            var count = 0
            let group = Array(queue.prefix { pending in
                defer { count += pending.batch.count }
                return pending.subject == first.subject && (count == 0 || count + pending.batch.count <= Self.groupLimit)
            })
            queue.removeFirst(group.count)
            do {
                try await store(group)
            } catch where group.count > 1 {
                // one batch the database refuses must not fail the others: each alone
                for pending in group {
                    do { try await store([pending]) } catch { pending.reply(.failure(error)) }
                }
            } catch {
                first.reply(.failure(error))
            }
        }
        writing = false
    }

    /// Checks and stores a group, tells the officers of its alerts and answers each batch.
    private func store(_ group: [Pending]) async throws {
        let outcomes = try await checkAndStore(group, db: group[0].db)
        for outcome in outcomes {
            for alert in outcome.alerts { announce(Self.raised(alert)) }
        }
        for (pending, outcome) in zip(group, outcomes) { pending.reply(.success(outcome)) }
    }

    private func checkAndStore(_ group: [Pending], db: any Database) async throws -> [Outcome] {
        try await acquire(loading: db)
        defer { release() }
        if !pendingEngines.isEmpty { // the engines of the cases pinged, if not built yet
            let pinged = group.flatMap(\.batch).compactMap { (try? $0.get()).flatMap { caseOfDevice[$0.device] } }
            try await buildEngines(Array(Set(pinged)), db: db)
        }
        var engines: [UUID: MonitoringEngine] = [:]
        var pings: [StoredPing] = [], alerts: [StoredAlert] = [], breaches: [Breach] = []
        var outcomes: [Outcome] = []
        let leaseHeld = self.leaseHeld
        for pending in group {
            let now = pending.now
            var outcome = Outcome(accepted: 0, refused: [], alerts: [])
            for (index, item) in pending.batch.enumerated() {
                let ping: Ping
                switch item {
                case .failure(let refusal): outcome.refused.append((index, refusal.device.isEmpty ? nil : refusal.device, refusal.reason)); continue
                case .success(let p): ping = p
                }
                guard leaseHeld else { outcome.refused.append((index, ping.device, Self.ownerChanging)); continue }
                guard let caseID = self.caseOfDevice[ping.device] else {
                    outcome.refused.append((index, ping.device, "unknown device")); continue
                }
                // taken out of the dictionary while it changes, so its arrays are not copied per ping
                guard var engine = engines.removeValue(forKey: caseID) ?? self.watched[caseID] else {
                    outcome.refused.append((index, ping.device, Self.ownerChanging))
                    continue
                }
                switch engine.ingest(ping, now: now) {
                case .failure(let refusal):
                    outcome.refused.append((index, ping.device, refusal.reason))
                case .success(let raised):
                    outcome.accepted += 1
                    pings.append(StoredPing(caseID: caseID, device: ping.device, at: ping.at, lat: ping.lat, lon: ping.lon,
                                            accuracy: ping.accuracy, event: ping.event?.rawValue))
                    var episode: String? // one position is one act: its breaches share one episode
                    for alert in raised {
                        var stored = StoredAlert(caseID: caseID, kind: alert.kind.rawValue, order: alert.order, zone: alert.zone,
                                                 device: alert.device, at: alert.at, distanceMeters: alert.distanceMeters,
                                                 accuracyMeters: alert.accuracyMeters, incident: nil,
                                                 createdAt: Int64((now.timeIntervalSince1970 * 1000).rounded()))
                        if alert.kind == .zone || alert.kind == .proximity, let shared = episode {
                            stored.incident = shared
                        } else if alert.kind == .zone || alert.kind == .proximity {
                            // recorded with the device's track over the half hour before, read as it is stored
                            let id = "m-" + stored.id.uuidString.prefix(8).lowercased(), to = ping.at.epochMilliseconds
                            episode = id
                            stored.incident = id
                            // the respondent's track, also when her position raised it (the alert names his device)
                            breaches.append(Breach(caseID: caseID, device: alert.device, from: to - 30 * 60_000, to: to) { track in
                                BreachIncident.make(alert, id: id, ping: ping, track: track.map(Ping.init(stored:)))
                            })
                        }
                        alerts.append(stored)
                        outcome.alerts.append(stored)
                    }
                }
                engines[caseID] = engine
            }
            outcomes.append(outcome)
        }
        let writing = DispatchTime.now()
        try await store(db).save(pings: pings, alerts: alerts, breaches: breaches,
                                                                        by: group[0].subject)
        OperationsMetrics.recordTrackGroup(pings: pings.count, since: writing)
        for (caseID, engine) in engines { self.watched[caseID] = engine } // only once stored
        return outcomes
    }

    /// Alerts a person raised (the victim's panic button), stored with the position she shared
    /// and told at once to whoever may see the case; escalated like any alert left unacknowledged.
    /// `units` names each case's unit (a case without devices is not in this hub's routing).
    func raise(_ alerts: [StoredAlert], positions: [StoredPing], units: [UUID: String?], db: any Database, by subject: String) async throws {
        try await store(db).save(pings: positions, alerts: alerts, breaches: [], by: subject)
        for alert in alerts {
            let position = positions.first { $0.caseID == alert.caseID && $0.device == alert.device }
            announce(Self.raised(alert, position: position), unit: units[alert.caseID])
        }
    }

    // MARK: silence and escalation

    /// Reports devices gone silent and escalates alerts left unacknowledged for `escalateAfter`.
    /// Each step of the chain waits `escalateAfter` after the one before: the supervisor, then
    /// the unit head and the duty centre.
    func sweep(db: any Database, now: Date = Date(), escalateAfter: TimeInterval) async throws -> (silent: [StoredAlert], escalated: [StoredAlert]) {
        let nowMs = Int64((now.timeIntervalSince1970 * 1000).rounded())
        let silent = try await sweepSilent(db: db, now: now, nowMs: nowMs)
        for alert in silent { announce(Self.raised(alert)) }
        let escalated = try await MonitoringStore(db: db).escalate(before: nowMs - Int64(escalateAfter * 1000), now: nowMs)
        for (alert, event) in escalated {
            try await announce(event, of: alert, db: db)
        }
        return (silent, escalated.map(\.alert))
    }

    /// An event officers made (an acknowledgement, a hand-over, an escalation by hand), or the
    /// sweep's escalation, told like an alert.
    func announce(_ event: AlertEvent, of alert: StoredAlert, db: any Database) async throws {
        // a case this hub does not route (a panic alert of a case without devices) is looked up
        let unit: String?? = unitOfCase[alert.caseID] == nil ? try await CaseStore(db: db).unit(of: alert.caseID) : nil
        announce(Event(event, alert: AlertResponse(alert, position: try await MonitoringStore(db: db).position(of: alert))), unit: unit)
    }

    private static func raised(_ alert: StoredAlert, position: StoredPing? = nil) -> Event {
        Event(event: "alert", alert: AlertResponse(alert, position: position), id: AlertEvent.raisedID(of: alert))
    }

    private func sweepSilent(db: any Database, now: Date, nowMs: Int64) async throws -> [StoredAlert] {
        try await acquire(loading: db)
        defer { release() }
        guard leaseHeld else { return [] } // the others may be sweeping these cases now
        var engines: [UUID: MonitoringEngine] = [:]
        var alerts: [StoredAlert] = []
        for (caseID, watchedEngine) in self.watched {
            var engine = watchedEngine
            let raised = engine.sweep(now: now)
            guard !raised.isEmpty else { continue }
            engines[caseID] = engine
            alerts += raised.map {
                StoredAlert(caseID: caseID, kind: $0.kind.rawValue, order: nil, zone: nil, device: $0.device, at: $0.at,
                            distanceMeters: nil, accuracyMeters: nil, incident: nil, createdAt: nowMs)
            }
        }
        if !alerts.isEmpty { try await store(db).save(pings: [], alerts: alerts, breaches: [], by: "monitoring") }
        for (caseID, engine) in engines { self.watched[caseID] = engine }
        return alerts
    }

    // MARK: subscribers

    /// Alerts and escalations of the cases in `scope`, as they happen.
    package func subscribe(scope: CaseScope) -> (UUID, AsyncStream<Event>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        subscribers[id] = Subscriber(scope: scope, continuation: continuation)
        continuation.onTermination = { [weak self] _ in Task { await self?.unsubscribe(id) } }
        return (id, stream)
    }

    /// Ends a subscription: its stream finishes.
    func unsubscribe(_ id: UUID) { subscribers.removeValue(forKey: id)?.continuation.finish() }

    /// A subscriber's scope as it stands now (a grant given or withdrawn, a unit changed).
    func rescope(_ id: UUID, to scope: CaseScope) { subscribers[id]?.scope = scope }

    /// Ends every subscription (at shutdown, and after a benchmark).
    package func unsubscribeAll() {
        for subscriber in subscribers.values { subscriber.continuation.finish() }
        subscribers = [:]
    }

    /// To this instance's officers, and through `notify` to the other instances' officers.
    /// The other instances are told in a task of its own, so the writer does not wait for a
    /// NOTIFY per alert before storing the next group.
    private func announce(_ event: Event, unit known: String?? = nil) {
        guard let caseID = UUID(uuidString: event.alert.caseId) else { return }
        let unit = known ?? unitOfCase[caseID] ?? nil
        publish(event, unit: unit)
        if let eventsStored { Task { await eventsStored() } }
        if let notify {
            let message = ClusterMessage(origin: instanceID, kind: event.event == "alert" ? .alert : .escalation, caseID: caseID,
                                         unit: unit, event: event)
            Task { await notify(message) }
        }
    }

    private func publish(_ event: Event, unit: String?) {
        guard let caseID = UUID(uuidString: event.alert.caseId) else { return }
        for subscriber in subscribers.values where subscriber.scope.allows(caseID, unit: unit) {
            subscriber.continuation.yield(event)
        }
    }
}

/// What one instance tells the others over PostgreSQL NOTIFY (a few hundred bytes of JSON).
struct ClusterMessage: Codable, Sendable {
    /// `members`: an instance joined or left; the others read the leases at once.
    enum Kind: String, Codable, Sendable { case alert, escalation, refresh, members }
    var origin: UUID
    var kind: Kind
    var caseID: UUID?
    var unit: String?
    var event: MonitoringHub.Event?
}
