import Domain
import Fluent
import Foundation
import Store

/// The checked groups of pings waiting to be stored, in the order they were checked, and who
/// waits for them: a value the hub owns and changes on its actor (the hub runs the writes).
///
/// Each group has a sequence number. A read of alerts waits until every group checked before it
/// has been written (`settled`). A group that could not be stored marks its cases: every group
/// checked on them until then was checked on top of its pings and must fail too, or the track
/// would be stored with a gap.
struct PingWrites {
    /// A checked group waiting to be stored: what to write, and the batches that wait for it.
    struct Unwritten: Sendable {
        var pings: [StoredPing]
        var alerts: [StoredAlert]
        var breaches: [Breach]
        var outcomes: [MonitoringHub.Outcome]
        /// The cases whose engines took its pings.
        var cases: Set<UUID>
        var answers: [@Sendable (Result<MonitoringHub.Outcome, any Error>) -> Void]
        var subject: String
        var db: any Database
        /// Its place in the order groups were checked.
        var sequence: Int
    }

    /// Groups of one sender are stored together, up to `limit` pings a transaction.
    private var queue: GroupCommit<Unwritten>
    /// The last group checked, and the last whose write has ended (stored or failed).
    private var checkedThrough = 0
    private var writtenThrough = 0
    /// Reads waiting for the groups checked before them.
    private var settling: [(id: UUID, through: Int, continuation: CheckedContinuation<Void, Never>)] = []
    /// Cases of a group that could not be stored, with the last group checked then.
    private var unstoredThrough: [UUID: Int] = [:]

    init(limit: Int) {
        queue = GroupCommit(limit: limit, weight: { max(1, $0.pings.count) }, joins: { $0.subject == $1.subject })
    }

    /// Groups checked and not yet written.
    var unwritten: Int { checkedThrough - writtenThrough }
    /// Reads waiting.
    var waitingReads: Int { settling.count }

    /// Queues a checked group; true when no drain is running, so the caller must start one.
    mutating func append(_ checked: CheckedGroup, answers: [@Sendable (Result<MonitoringHub.Outcome, any Error>) -> Void],
                         subject: String, db: any Database) -> Bool {
        checkedThrough += 1
        return queue.append(Unwritten(pings: checked.pings, alerts: checked.alerts, breaches: checked.breaches,
                                      outcomes: checked.outcomes, cases: Set(checked.engines.keys), answers: answers,
                                      subject: subject, db: db, sequence: checkedThrough))
    }

    /// The next groups to write together; nil when none waits (the drain ends).
    mutating func next() -> [Unwritten]? { queue.next() }

    /// Whether a group was checked on top of a group that could not be stored.
    func followsUnstored(_ group: Unwritten) -> Bool {
        !unstoredThrough.isEmpty && group.cases.contains { unstoredThrough[$0] ?? 0 >= group.sequence }
    }

    /// A group could not be stored: the groups checked until now on those of its cases not
    /// marked since it was checked fail with it. Returns those cases (their engines took pings
    /// that are not stored, to be rebuilt).
    mutating func unstored(_ group: Unwritten) -> Set<UUID> {
        let marked = group.cases.filter { unstoredThrough[$0] ?? 0 < group.sequence }
        for caseID in marked { unstoredThrough[caseID] = checkedThrough }
        return marked
    }

    /// The groups up to `sequence` are written (or failed): the reads waiting for them, to resume.
    mutating func written(through sequence: Int) -> [CheckedContinuation<Void, Never>] {
        writtenThrough = sequence
        unstoredThrough = unstoredThrough.filter { $0.value > sequence }
        let done = settling.filter { $0.through <= sequence }.map(\.continuation)
        settling.removeAll { $0.through <= sequence }
        return done
    }

    /// A read waits (`id`, to give up by) for the groups checked so far.
    mutating func wait(_ id: UUID, _ continuation: CheckedContinuation<Void, Never>) {
        settling.append((id, checkedThrough, continuation))
    }

    /// A read gives up waiting: its continuation, to resume, if it is still waiting.
    mutating func stopWaiting(_ id: UUID) -> CheckedContinuation<Void, Never>? {
        guard let index = settling.firstIndex(where: { $0.id == id }) else { return nil }
        return settling.remove(at: index).continuation
    }
}
