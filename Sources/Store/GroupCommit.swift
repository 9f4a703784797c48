/// Group commit, for the writes that come fastest (new incidents, monitoring pings): work that
/// arrives while a group is being written waits and goes into the next group, written in one
/// transaction, so many small writes cost one commit; each caller is answered only once its own
/// part is durable. A group the database refuses is written again one item at a time, so one bad
/// item does not fail the others and each caller gets its own answer.
///
/// A value owned by an actor (the writer), which appends to it and runs `drain` when `append`
/// says so: items are taken in the order they came.
public struct GroupCommit<Item: Sendable> {
    private var waiting: [Item] = []
    private var draining = false
    /// The most weight one group takes (at least one item, however heavy).
    let limit: Int
    let weight: (Item) -> Int
    /// Whether an item may share a group with the group's first.
    let joins: (_ first: Item, _ next: Item) -> Bool

    public init(limit: Int, weight: @escaping (Item) -> Int = { _ in 1 },
                joins: @escaping (_ first: Item, _ next: Item) -> Bool = { _, _ in true }) {
        self.limit = limit; self.weight = weight; self.joins = joins
    }

    /// Queues an item; true when no drain is running, so the caller must start one.
    public mutating func append(_ item: Item) -> Bool {
        waiting.append(item)
        guard !draining else { return false }
        draining = true
        return true
    }

    /// The next group: the first waiting item and those after it that join it, up to the limit;
    /// nil when none wait (the drain ends, and the next `append` starts another).
    public mutating func next() -> [Item]? {
        guard let first = waiting.first else {
            draining = false
            return nil
        }
        var taken = 0
        let group = Array(waiting.prefix { item in
            defer { taken += weight(item) }
            return joins(first, item) && (taken == 0 || taken + weight(item) <= limit)
        })
        waiting.removeFirst(group.count)
        return group
    }

    /// Writes a group with `write`; if the database refuses a group of several, each again alone.
    /// `failed` is told of each item that still fails (a group of one: at once). Runs on the
    /// writer's actor.
    public static func write(_ group: [Item], isolation: isolated (any Actor)? = #isolation,
                             with write: ([Item]) async throws -> Void, failed: (Item, any Error) -> Void) async {
        do {
            try await write(group)
        } catch where group.count > 1 {
            for item in group {
                do { try await write([item]) } catch { failed(item, error) }
            }
        } catch {
            failed(group[0], error)
        }
    }
}
