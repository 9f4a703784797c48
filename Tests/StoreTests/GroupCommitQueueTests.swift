import Store
import Testing

/// The group commit both fast writers share (new incidents, monitoring pings): what waits goes in
/// order into groups within the limit, of items that may share one; a refused group is written
/// again an item at a time, and only the item the database refuses fails.
@Suite struct GroupCommitQueueTests {
    struct Item: Sendable, Equatable { var sender: String; var size: Int }

    func take(_ queue: inout GroupCommit<Item>) -> [Item]? { queue.next() }
    func add(_ queue: inout GroupCommit<Item>, _ item: Item) -> Bool { queue.append(item) }

    @Test func groupsAreTakenInOrderWithinTheLimitAndOfOneSender() {
        var queue = GroupCommit<Item>(limit: 10, weight: { $0.size }, joins: { $0.sender == $1.sender })
        #expect(add(&queue, Item(sender: "a", size: 4)), "the first starts a drain")
        #expect(!add(&queue, Item(sender: "a", size: 5)), "the others wait for it")
        for item in [Item(sender: "a", size: 2), Item(sender: "b", size: 1), Item(sender: "a", size: 1), Item(sender: "a", size: 30)] {
            #expect(!add(&queue, item))
        }
        #expect(take(&queue) == [Item(sender: "a", size: 4), Item(sender: "a", size: 5)], "9 of 10: the next would pass the limit")
        #expect(take(&queue) == [Item(sender: "a", size: 2)], "b's waits behind it, and a's after b's are not taken ahead of it")
        #expect(take(&queue) == [Item(sender: "b", size: 1)])
        #expect(take(&queue) == [Item(sender: "a", size: 1)])
        #expect(take(&queue) == [Item(sender: "a", size: 30)], "one item heavier than the limit still goes, alone")
        #expect(take(&queue) == nil)
        #expect(add(&queue, Item(sender: "c", size: 1)), "a drain that ended is started again")
    }

    /// An empty batch weighs nothing, but its sender's name is on the group it starts: another
    /// sender's batch never joins it (the audit log names who stored each ping).
    @Test func anotherSenderNeverJoinsAGroupEvenBehindAnEmptyBatch() {
        var queue = GroupCommit<Item>(limit: 10, weight: { $0.size }, joins: { $0.sender == $1.sender })
        _ = add(&queue, Item(sender: "a", size: 0))
        _ = add(&queue, Item(sender: "b", size: 3))
        _ = add(&queue, Item(sender: "b", size: 0))
        #expect(take(&queue) == [Item(sender: "a", size: 0)])
        #expect(take(&queue) == [Item(sender: "b", size: 3), Item(sender: "b", size: 0)])
    }

    actor Database {
        var committed: [[Int]] = []
        func write(_ items: [Int]) throws {
            if items.contains(13) { throw Refused() }
            committed.append(items)
        }
        struct Refused: Error {}

        func writeGroup(_ group: [Int]) async -> [Int] {
            var failed: [Int] = []
            await GroupCommit<Int>.write(group, with: { try self.write($0) }, failed: { item, _ in failed.append(item) })
            return failed
        }
    }

    @Test func aRefusedGroupIsWrittenAgainItemByItem() async {
        let database = Database()
        #expect(await database.writeGroup([1, 2, 3]) == [])
        #expect(await database.writeGroup([4, 13, 5]) == [13])
        #expect(await database.writeGroup([13]) == [13])
        #expect(await database.committed == [[1, 2, 3], [4], [5]])
    }
}
