import Domain
import Fluent
import Foundation
import Monitoring
import Store

/// The live monitoring of this instance: one engine per case it owns (see `MonitoringCluster`),
/// found by device id; built from the database at start and kept in step with orders and devices.
/// A batch of pings is checked and this instance's officers hear of its alerts at once
/// (`AlertBus`); its pings, alerts and breach incidents are then stored in one transaction, after
/// which the other instances' officers hear of them through `notify` (PostgreSQL NOTIFY) and the
/// sender is answered. The jobs are each in a file of their own: the engines and routes
/// (`EngineRegistry`), checking a group (`PingCheck`), group commit (`GroupCommit`), the groups
/// waiting to be stored (`PingWrites`), the track's storage (`TrackStorage`), the streams
/// (`AlertBus`); the hub holds them together under one lock.
package actor MonitoringHub {
    /// A batch's outcome.
    package struct Outcome: Sendable {
        package var accepted: Int
        package var refused: [(index: Int, device: String?, reason: String)]
        package var alerts: [StoredAlert]
    }

    /// How a ping is refused that may be sent again (to this instance or another).
    package static let sendAgain = "send the ping again"
    /// How pings are refused while the lease is not held, or while instances disagree for a
    /// moment on who watches a case (one has joined or left).
    package static let ownerChanging = "the instances are changing which of them watches this device; " + sendAgain
    /// The most pings one transaction takes from the queue.
    static let groupLimit = 10_000

    /// This instance, as the origin of the messages it sends the others.
    package nonisolated let instanceID = UUID()
    /// Where the track is written and read (on a SQLite file, its own writer: each group in one trip).
    package nonisolated let track: any TrackStorage
    /// This instance's alert streams.
    nonisolated let bus = AlertBus()

    package init(track: any TrackStorage = DriverTrack()) { self.track = track }

    /// Told when alert events were stored here or on another instance (the delivery worker).
    private var eventsStored: (@Sendable () async -> Void)?

    package func whenEventsStored(_ action: @escaping @Sendable () async -> Void) { eventsStored = action }

    private func store(_ db: any Database) -> MonitoringStore { MonitoringStore(db: db, track: track) }

    private var registry = EngineRegistry()
    package var cluster: MonitoringCluster { registry.cluster }
    /// Until when this instance's lease holds (nil: one instance alone, no lease). Once it has run
    /// out the others may have taken its cases, so it checks no ping and sweeps no device until
    /// the lease is renewed.
    private var leaseHeldUntil: ContinuousClock.Instant?
    /// Tells the other instances (set when several share PostgreSQL; nil otherwise).
    private var notify: (@Sendable (ClusterMessage) async -> Void)?

    private var leaseHeld: Bool { leaseHeldUntil.map { ContinuousClock.now < $0 } ?? true }

    /// Held while a change is computed and stored: an actor alone would let two batches for the
    /// same case interleave at the database write.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// How many owned cases' engines are still to be built (-1 before the first load): 0 when the
    /// monitoring is ready.
    package func enginesPending() -> Int { registry.loaded ? registry.pendingEngines.count : -1 }
    /// Whether every engine of this instance is built.
    package var enginesReady: Bool { registry.loaded && registry.pendingEngines.isEmpty }
    /// The cases this instance watches (engines built or pending).
    package var watchedCases: Set<UUID> { Set(registry.watched.keys).union(registry.pendingEngines) }
    package var ownedCaseCount: Int { registry.watched.count + registry.pendingEngines.count }
    package var deviceCount: Int { registry.caseOfDevice.count }

    // MARK: the lock and the engines

    /// Takes the lock, and the first time reads where every device's pings go (the engines are
    /// built after, by `buildPendingEngines`, or for a case when a ping arrives for it).
    private func acquire(loading db: any Database) async throws {
        if busy { await withCheckedContinuation { waiting.append($0) } } else { busy = true }
        guard !registry.loaded else { return }
        do {
            let current = registry.route(try await CaseFileStore(db: db).monitoredDevices())
            Task { await self.buildPendingEngines(db: db, generation: current) }
        } catch {
            release()
            throw error
        }
    }

    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    /// Builds the pending engines a chunk at a time, taking the lock for each chunk only, so that
    /// pings are checked in between.
    private func buildPendingEngines(db: any Database, generation current: Int) async {
        while registry.generation == current, !registry.pendingEngines.isEmpty {
            do {
                try await acquire(loading: db)
                defer { release() }
                guard registry.generation == current else { return }
                try await buildEngines(Array(registry.pendingEngines.prefix(1_000)), db: db)
            } catch {
                return // built on their first ping instead
            }
        }
    }

    /// Builds the engines of these pending cases (under the lock).
    private func buildEngines(_ caseIDs: [UUID], db: any Database) async throws {
        let ids = caseIDs.filter { registry.pendingEngines.contains($0) }
        guard !ids.isEmpty else { return }
        let files = try await CaseFileStore(db: db).monitoredCaseFiles(only: ids).map { ($0.0.id, $0.1) }
        let restored = try await registry.restored(files, from: store(db))
        for (caseID, file) in files { registry.install(caseID, file: file, restoring: restored[caseID]) }
        registry.pendingEngines.subtract(ids) // a case whose devices are gone meanwhile has none
    }

    /// Builds every pending engine now (a benchmark that stores a history behind the engines'
    /// back wants them built from before it).
    package func buildAllEngines(db: any Database) async throws {
        try await acquire(loading: db)
        defer { release() }
        while !registry.pendingEngines.isEmpty { try await buildEngines(Array(registry.pendingEngines.prefix(1_000)), db: db) }
    }

    // MARK: the instances

    /// Takes this instance's place among several; the engines are rebuilt for the cases it owns.
    package func join(_ cluster: MonitoringCluster, leaseHeldUntil: ContinuousClock.Instant? = nil,
                      notify: (@Sendable (ClusterMessage) async -> Void)?) {
        registry.cluster = cluster
        self.leaseHeldUntil = leaseHeldUntil
        self.notify = notify
        registry.forget()
    }

    /// A renewed lease, with the instances whose leases hold: when they are not those of before,
    /// the engines of cases this instance no longer owns are dropped, and those of cases it now
    /// owns are built from the stored track (each device's last ping and silence), so a device
    /// that fell silent while its instance was down is reported by the next sweep.
    package func renewLease(_ cluster: MonitoringCluster, heldUntil: ContinuousClock.Instant, db: any Database) async throws {
        if let held = leaseHeldUntil, heldUntil < held { return } // a reading older than one applied
        leaseHeldUntil = heldUntil
        guard cluster != registry.cluster else { return }
        guard registry.loaded else { registry.cluster = cluster; return } // the first load places the cases
        try await acquire(loading: db)
        defer { release() }
        await settled() // the cases given to another instance are built there from the track: with every ping checked here
        guard heldUntil == leaseHeldUntil else { return } // a newer reading came meanwhile and places the cases itself
        let current = registry.place(in: cluster)
        Task { await self.buildPendingEngines(db: db, generation: current) }
    }

    /// The instance's lease was not renewed in time (for tests that stop an instance as a crash would).
    package func loseLease() { leaseHeldUntil = .now }

    /// Which instance each ping goes to: indices of the batch by owner (unknown devices stay here,
    /// to be refused with their reason).
    package func route(_ batch: [Result<Ping, PingRefusal>], db: any Database) async throws -> [String: [Int]] {
        if !registry.loaded { try await load(db: db) }
        return registry.plan(batch, leaseHeld: leaseHeld)
    }

    /// Queues the batch as `enqueue` does if every ping of it is checked on this instance, and
    /// says whether it did (if not, the batch goes to the instances that own its devices).
    /// `arrived`: when the batch reached the server, the time its alerts are raised at.
    package func enqueueIfLocal(_ batch: [Result<Ping, PingRefusal>], db: any Database, by subject: String, arrived: Date = Date(),
                                reply: @escaping @Sendable (Result<Outcome, any Error>) -> Void) async throws -> Bool {
        if !registry.loaded { try await load(db: db) }
        let cluster = registry.cluster
        if cluster.count > 1, registry.plan(batch, leaseHeld: leaseHeld).keys.contains(where: { $0 != cluster.selfID }) { return false }
        enqueue(batch, db: db, by: subject, now: arrived, reply: reply)
        return true
    }

    /// Forgets the engines and builds them again from the database at the next use: after the
    /// line to the other instances was down, a case may have changed without this instance
    /// hearing of it. Each device's time and position come from its last stored ping, but not
    /// which zones were already alerted: pings taken while an order was unknown here raised
    /// nothing, so a respondent inside a zone raises its alert at his next ping.
    package func reload(db: any Database) async throws {
        try await acquire(loading: db)
        await settled() // the engines are rebuilt from the track: with every ping checked so far in it
        registry.forget()
        registry.restoreZones = false
        release()
    }

    /// A message from another instance: an alert to pass to this instance's officers, or a case
    /// that changed there.
    package func receive(_ message: ClusterMessage, db: any Database) async {
        guard message.origin != instanceID else { return }
        switch message.kind {
        case .alert, .escalation:
            guard let news = message.news else { return }
            bus.publish(news, unit: message.unit ?? registry.unitOfCase[news.alert.caseID] ?? nil)
            if let eventsStored { Task { await eventsStored() } }
        case .refresh:
            guard let caseID = message.caseID else { return }
            try? await refresh(caseID, db: db, tellOthers: false)
        case .members:
            break // read by the leases
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
    package func refresh(_ caseID: UUID, db: any Database, tellOthers: Bool = true) async throws {
        try await acquire(loading: db)
        do {
            let file = try await CaseFileStore(db: db).exportCaseFile(caseID: caseID, scope: .all)
            if !(file.devices ?? []).isEmpty || registry.watched[caseID] != nil || registry.unitOfCase[caseID] != nil {
                let restoring = registry.watched[caseID] == nil ? try await registry.restored([(caseID, file)], from: store(db))[caseID] : nil
                registry.install(caseID, file: file, restoring: restoring)
            }
            release()
        } catch {
            release()
            throw error
        }
        if tellOthers, let notify { await notify(ClusterMessage(origin: instanceID, kind: .refresh, caseID: caseID)) }
    }

    // MARK: pings

    /// A batch waiting for the writer, with the request that waits for its outcome.
    private struct Pending {
        var batch: [Result<Ping, PingRefusal>]
        var subject: String
        var now: Date
        var db: any Database
        var reply: @Sendable (Result<Outcome, any Error>) -> Void
    }

    /// Batches of one sender wait together for the next check, up to `groupLimit` pings.
    private var queue = GroupCommit<Pending>(limit: groupLimit, weight: { $0.batch.count }, joins: { $0.subject == $1.subject })

    /// The checked groups waiting to be stored (several of one sender in one transaction).
    private var writes = PingWrites(limit: groupLimit)

    /// Checks a batch and tells this instance's officers of its alerts at once; stores its pings
    /// with the alerts raised and answers only once they are durable. Batches that arrive while
    /// others are checked or stored wait and are taken together (group commit): many small
    /// batches cost one commit, and each sender is answered only once its pings are durable.
    package func ingest(_ batch: [Result<Ping, PingRefusal>], db: any Database, by subject: String, now: Date = Date()) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(batch, db: db, by: subject, now: now) { continuation.resume(with: $0) }
        }
    }

    /// Queues a batch and returns at once; `reply` is called with its outcome once it is stored.
    /// Batches are checked in the order they are queued, so a connection that queues its messages
    /// one after another without waiting (the WebSocket) keeps its pings in order.
    package func enqueue(_ batch: [Result<Ping, PingRefusal>], db: any Database, by subject: String, now: Date = Date(),
                         reply: @escaping @Sendable (Result<Outcome, any Error>) -> Void) {
        let queued = DispatchTime.now()
        let reply: @Sendable (Result<Outcome, any Error>) -> Void = { result in
            if case .success(let outcome) = result {
                MonitoringMetrics.record(accepted: outcome.accepted, refusals: outcome.refused.map(\.reason),
                                         alertKinds: outcome.alerts.map(\.kind.rawValue), since: queued)
            }
            reply(result)
        }
        if queue.append(Pending(batch: batch, subject: subject, now: now, db: db, reply: reply)) {
            Task { await self.drain() }
        }
    }

    /// Checks what is queued, a group at a time, until the queue is empty. A group is handed to
    /// the writer and the next checked without waiting for the write: an alert is told as soon as
    /// its ping is checked, not after the pings before it are stored.
    private func drain() async {
        while let group = queue.next() {
            do {
                try await check(group)
            } catch {
                for pending in group { pending.reply(.failure(error)) }
            }
        }
    }

    /// Checks a group under the lock, keeps the engines' new state, tells this instance's officers
    /// of its alerts and hands it to the writer.
    ///
    /// Told before it is stored: a listener hears an alert in the time its ping takes to check,
    /// not to commit. Nothing told is lost for good: the sender's batch is answered only once
    /// stored, so after a failed write or a crash it sends the pings again, and the engines of
    /// the cases whose write failed are rebuilt from what is stored, which raises the alert again.
    /// Reads of alerts wait for those told to be stored first (`settled()`).
    private func check(_ group: [Pending]) async throws {
        let db = group[0].db
        try await acquire(loading: db)
        defer { release() }
        if !registry.pendingEngines.isEmpty { // the engines of the cases pinged, if not built yet
            let pinged = group.flatMap(\.batch).compactMap { (try? $0.get()).flatMap { registry.caseOfDevice[$0.device] } }
            try await buildEngines(Array(Set(pinged)), db: db)
        }
        let checked = registry.check(group.map { ($0.batch, $0.now) }, leaseHeld: leaseHeld)
        for (caseID, engine) in checked.engines { registry.watched[caseID] = engine }
        for alert in checked.alerts { tellHere(.raised(alert)) }
        if writes.append(checked, answers: group.map(\.reply), subject: group[0].subject, db: db) { Task { await self.drainWrites() } }
    }

    /// Stores the checked groups, several at a time, until none waits. A group the database
    /// refuses is written again one at a time; one that still fails fails its senders, and so do
    /// the groups checked after it on any of its cases. Their engines are rebuilt from what is
    /// stored (once the groups before are written), so the pings sent again are checked as if they
    /// had never come, and raise their alerts again.
    private func drainWrites() async {
        while let group = writes.next() {
            var unstored = Set<UUID>()
            func fail(_ unwritten: PingWrites.Unwritten, with error: any Error) {
                for answer in unwritten.answers { answer(.failure(error)) }
                unstored.formUnion(writes.unstored(unwritten))
            }
            // in the order checked: a group that follows an unstored one fails too (and marks its
            // other cases, whose engines also took its pings)
            var writable: [PingWrites.Unwritten] = []
            for unwritten in group {
                if writes.followsUnstored(unwritten) { fail(unwritten, with: EarlierPingsNotStored()) } else { writable.append(unwritten) }
            }
            if !writable.isEmpty {
                do {
                    try await write(writable)
                } catch where writable.count == 1 {
                    fail(writable[0], with: error)
                } catch {
                    for unwritten in writable {
                        if writes.followsUnstored(unwritten) { fail(unwritten, with: EarlierPingsNotStored()); continue }
                        do { try await write([unwritten]) } catch { fail(unwritten, with: error) }
                    }
                }
            }
            if !unstored.isEmpty { rebuild(unstored, db: group[0].db) }
            for read in writes.written(through: group[group.count - 1].sequence) { read.resume() }
        }
    }

    /// The engines of cases whose pings could not be stored are built again from the stored track,
    /// at once rather than at their next ping (one builder, however many groups failed).
    private func rebuild(_ cases: Set<UUID>, db: any Database) {
        registry.rebuild(cases)
        guard !rebuilding else { return }
        rebuilding = true
        let current = registry.generation
        Task {
            await self.buildPendingEngines(db: db, generation: current)
            self.rebuilding = false
        }
    }

    /// Whether a builder started by `rebuild` is running.
    private var rebuilding = false

    /// Stores checked groups in one transaction, then tells the other instances of their alerts
    /// (their officers' actions must find them stored) and answers each batch.
    private func write(_ group: [PingWrites.Unwritten]) async throws {
        let writing = DispatchTime.now()
        let pings = group.flatMap(\.pings)
        try await store(group[0].db).save(pings: pings, alerts: group.flatMap(\.alerts), breaches: group.flatMap(\.breaches),
                                          by: group[0].subject)
        MonitoringMetrics.recordTrackGroup(pings: pings.count, since: writing)
        var told = false
        for unwritten in group {
            for alert in unwritten.alerts {
                told = true
                tellOthers(.raised(alert), unit: registry.unitOfCase[alert.caseID] ?? nil)
            }
            for (answer, outcome) in zip(unwritten.answers, unwritten.outcomes) { answer(.success(outcome)) }
        }
        if told, let eventsStored { Task { await eventsStored() } }
    }

    /// Returns once every alert told so far is stored (or its write has failed), or after
    /// `patience` (a database that stopped answering must not hold every read of alerts): a read
    /// of alerts after it finds each alert its reader may have heard of on this instance.
    package func settled(patience: Duration = .seconds(5)) async {
        guard writes.unwritten > 0 else { return }
        let id = UUID()
        await withCheckedContinuation { continuation in
            writes.wait(id, continuation)
            Task { [weak self] in
                try? await Task.sleep(for: patience)
                await self?.stopWaiting(id)
            }
        }
    }

    private func stopWaiting(_ id: UUID) { writes.stopWaiting(id)?.resume() }

    /// Groups checked and not yet stored (for tests that must know a check is behind them).
    package var unwrittenGroups: Int { writes.unwritten }
    /// Reads waiting in `settled()` (for tests).
    package var settlingReads: Int { writes.waitingReads }

    /// Alerts a person raised (the victim's panic button), stored with the position she shared
    /// and told at once to whoever may see the case; escalated like any alert left unacknowledged.
    /// `units` names each case's unit (a case without devices is not in this hub's routing).
    package func raise(_ alerts: [StoredAlert], positions: [StoredPing], units: [UUID: String?], db: any Database, by subject: String) async throws {
        try await store(db).save(pings: positions, alerts: alerts, breaches: [], by: subject)
        for alert in alerts {
            let position = positions.first { $0.caseID == alert.caseID && $0.device == alert.device }
            announce(.raised(alert, position: position), unit: units[alert.caseID])
        }
    }

    // MARK: silence and escalation

    /// Reports devices gone silent and escalates alerts left unacknowledged for `escalateAfter`.
    /// Each step of the chain waits `escalateAfter` after the one before: the supervisor, then
    /// the unit head and the duty centre.
    package func sweep(db: any Database, now: Date = Date(), escalateAfter: TimeInterval) async throws -> (silent: [StoredAlert], escalated: [StoredAlert]) {
        let nowMs = Int64((now.timeIntervalSince1970 * 1000).rounded())
        let silent = try await sweepSilent(db: db, now: now, nowMs: nowMs)
        for alert in silent { announce(.raised(alert)) }
        let escalated = try await MonitoringStore(db: db).escalate(before: nowMs - Int64(escalateAfter * 1000), now: nowMs)
        for (alert, event) in escalated {
            try await announce(event, of: alert, db: db)
        }
        return (silent, escalated.map(\.alert))
    }

    /// An event officers made (an acknowledgement, a hand-over, an escalation by hand), or the
    /// sweep's escalation, told like an alert.
    package func announce(_ event: AlertEvent, of alert: StoredAlert, db: any Database) async throws {
        // a case this hub does not route (a panic alert of a case without devices) is looked up
        let unit: String?? = registry.unitOfCase[alert.caseID] == nil ? try await CaseStore(db: db).unit(of: alert.caseID) : nil
        announce(AlertNews(event, alert: alert, position: try await MonitoringStore(db: db).position(of: alert)), unit: unit)
    }

    private func sweepSilent(db: any Database, now: Date, nowMs: Int64) async throws -> [StoredAlert] {
        try await acquire(loading: db)
        defer { release() }
        guard leaseHeld else { return [] } // the others may be sweeping these cases now
        // engines not built yet (a build in the background still going, or one that gave up on a
        // database error): a chunk of them now, so that a device silent since its case came to
        // this instance is reported by a sweep, not only on a ping that may never come
        if !registry.pendingEngines.isEmpty { try await buildEngines(Array(registry.pendingEngines.prefix(1_000)), db: db) }
        var engines: [UUID: MonitoringEngine] = [:]
        var alerts: [StoredAlert] = []
        for (caseID, watchedEngine) in registry.watched {
            var engine = watchedEngine
            let raised = engine.sweep(now: now)
            guard !raised.isEmpty else { continue }
            engines[caseID] = engine
            alerts += raised.map { StoredAlert(caseID: caseID, alert: $0, createdAt: nowMs) }
        }
        if !alerts.isEmpty { try await store(db).save(pings: [], alerts: alerts, breaches: [], by: "monitoring") }
        // an engine dropped meanwhile (its pings could not be stored) stays dropped, to be rebuilt
        for (caseID, engine) in engines where registry.watched[caseID] != nil { registry.watched[caseID] = engine }
        return alerts
    }

    // MARK: the streams

    /// Alerts and escalations of the cases in `scope`, as they happen.
    package func subscribe(scope: CaseScope) -> (UUID, AsyncStream<AlertNews>) { bus.subscribe(scope: scope) }
    package func unsubscribe(_ id: UUID) { bus.unsubscribe(id) }
    package func rescope(_ id: UUID, to scope: CaseScope) { bus.rescope(id, to: scope) }
    package nonisolated func unsubscribeAll() { bus.unsubscribeAll() }
    /// How many streams are listening (for tests that must wait until one is).
    package var subscriberCount: Int { bus.subscriberCount }

    /// To this instance's officers, and through `notify` to the other instances' officers.
    private func announce(_ news: AlertNews, unit known: String?? = nil) {
        let unit = tellHere(news, unit: known)
        if let eventsStored { Task { await eventsStored() } }
        tellOthers(news, unit: unit)
    }

    /// To this instance's officers whose scope allows the case (of `known` unit, or as routed);
    /// returns the unit.
    @discardableResult
    private func tellHere(_ news: AlertNews, unit known: String?? = nil) -> String? {
        let unit = known ?? registry.unitOfCase[news.alert.caseID] ?? nil
        bus.publish(news, unit: unit)
        return unit
    }

    /// To the other instances' officers (when several share PostgreSQL), in a task of its own, so
    /// the writer does not wait for a NOTIFY per alert before storing the next group.
    private func tellOthers(_ news: AlertNews, unit: String?) {
        guard let notify else { return }
        let message = ClusterMessage(origin: instanceID, kind: news.kind == .raised ? .alert : .escalation, caseID: news.alert.caseID,
                                     unit: unit, news: news)
        Task { await notify(message) }
    }
}

/// A batch not stored because a batch checked before it on the same case could not be: its pings
/// were checked after pings that are not stored.
package struct EarlierPingsNotStored: Error, CustomStringConvertible {
    package var description: String { "pings of the same case sent before these could not be stored; " + MonitoringHub.sendAgain }
}
