import Domain

/// The incidents up to a date in time order (then by id), with what the rules look at computed
/// once: the legal day, the flags, and the kind and impacts as bit sets.
struct Timeline {
    struct Entry {
        let day: LocalDate
        let kindBits: UInt32
        let impactBits: UInt32
        let againstWill: Bool
        let violence: Bool
    }

    let entries: [Entry]
    let ids: [String]
    /// The positions in the given incidents of the entries, in time order.
    let kept: [Int]
    var count: Int { entries.count }

    /// The positions among `positions` whose entry passes `test`: `positions` itself when all
    /// pass, else a new array of exactly the right size (these lists are most of an assessment's
    /// allocations).
    @inline(__always)
    func select(_ positions: [Int], where test: (Entry) -> Bool) -> [Int] {
        var passing = 0
        for i in positions where test(entries[i]) { passing += 1 }
        if passing == positions.count { return positions }
        if passing == 0 { return [] }
        var selected: [Int] = []
        selected.reserveCapacity(passing)
        for i in positions where test(entries[i]) { selected.append(i) }
        return selected
    }

    /// The ids at some positions.
    func ids(_ positions: [Int]) -> [String] { positions.map { ids[$0] } }

    init(_ given: [Incident], through date: LocalDate, legalDays: LegalDayCalendar) {
        // By index throughout: binding an incident to a name would copy it, retaining every text
        // and list in it.
        var first = Int64.max, last = Int64.min
        for i in given.indices {
            let time = given[i].occurredAt.epochMilliseconds
            first = min(first, time)
            last = max(last, time)
        }
        var order = Self.timeOrder(given, from: first, to: last)
        // Equal times are ordered by id: no strings are compared unless two incidents share a millisecond.
        var start = 0
        while start < order.count {
            let time = given[order[start]].occurredAt.epochMilliseconds
            var end = start + 1
            while end < order.count, given[order[end]].occurredAt.epochMilliseconds == time { end += 1 }
            if end - start > 1 { order[start..<end].sort { given[$0].id < given[$1].id } }
            start = end
        }
        var offsets = legalDays.schedule(from: given.isEmpty ? 0 : first, to: given.isEmpty ? 0 : last)
        var entries: [Entry] = []
        var ids: [String] = []
        entries.reserveCapacity(order.count)
        ids.reserveCapacity(order.count)
        for index in order {
            let day = given[index].occurredAt.localDate(atOffset: offsets.offset(at: given[index].occurredAt.epochMilliseconds))
            if day > date { break } // sorted: everything after is later still
            var impactBits: UInt32 = 0
            for impact in given[index].impact { impactBits |= impact.bit }
            entries.append(Entry(day: day, kindBits: given[index].kind.bit, impactBits: impactBits,
                                 againstWill: given[index].againstWill, violence: given[index].violence))
            ids.append(given[index].id)
        }
        order.removeLast(order.count - entries.count)
        self.entries = entries
        self.ids = ids
        self.kept = order
    }

    /// Positions of the incidents by time, then position. When the times span less than 2^43 ms
    /// (278 years) and there are fewer than 2^20 incidents, each (time, position) is packed into
    /// one integer and plain integers are sorted, several times faster than comparing pairs
    /// through a closure; the positions are then unpacked in place.
    static func timeOrder(_ given: [Incident], from first: Int64, to last: Int64) -> [Int] {
        guard last &- first >= 0, last &- first < 1 << 43, given.count < 1 << 20 else {
            return given.indices.sorted {
                let a = given[$0].occurredAt.epochMilliseconds, b = given[$1].occurredAt.epochMilliseconds
                return a != b ? a < b : $0 < $1
            }
        }
        var order = given.indices.map { Int(given[$0].occurredAt.epochMilliseconds - first) << 20 | $0 }
        order.sort()
        for i in order.indices { order[i] &= 1 << 20 - 1 }
        return order
    }
}
/// Vocabulary words as bits, so rules test membership without allocating sets.
enum ImpactSet {
    static func kinds(_ kinds: [IncidentKind]) -> UInt32 { kinds.reduce(0) { $0 | $1.bit } }
    static func impacts(_ impacts: [Impact]) -> UInt32 { impacts.reduce(0) { $0 | $1.bit } }
}

extension IncidentKind {
    var bit: UInt32 {
        switch self {
        case .contact: 1 << 0
        case .tracking: 1 << 1
        case .threat: 1 << 2
        case .privacyIntrusion: 1 << 3
        case .publicConflict: 1 << 4
        case .propertyDamage: 1 << 5
        case .violence: 1 << 6
        case .other: 1 << 7
        }
    }
}

extension Impact {
    var bit: UInt32 {
        switch self {
        case .fear: 1 << 0
        case .changedResidence: 1 << 1
        case .changedJob: 1 << 2
        case .soughtProtection: 1 << 3
        case .psychologicalOrMedicalHelp: 1 << 4
        case .lostIncome: 1 << 5
        case .restrictedMovement: 1 << 6
        }
    }
}

