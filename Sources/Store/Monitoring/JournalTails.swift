/// Which rows of the track's journal are not yet in the track, by device, and which devices are
/// due to have theirs moved.
///
/// The track's writer appends every ping to the journal (`ping_journal`, in order of arrival, no
/// other index), and moves a device's rows into the track (`pings`, indexed by device and time) a
/// run at a time: once a device has `rowsPerMove` rows waiting, or its oldest has waited `maxAge`.
/// Stored one at a time, each ping dirtied a page of the device index of its own once the table had
/// grown (4 KiB of log written and synced per ping); moved a run at a time, a run of pings shares
/// its pages. Memory: a device's waiting rows are kept as their journal numbers only.
struct JournalTails {
    struct Tail {
        /// Journal row numbers, in order of arrival.
        var seqs: [Int64]
        /// When the first of them arrived (epoch milliseconds).
        var firstReceivedAt: Int64
    }

    let rowsPerMove: Int
    let maxAge: Int64
    private(set) var tails: [String: Tail] = [:]
    /// Each tail's device and first row, in order of that row; entries of tails moved since are
    /// skipped when met, and none is left at `byAgeStart` (`remove`).
    private var byAge: [(device: String, seq: Int64)] = []
    private var byAgeStart = 0
    /// Devices whose tail reached `rowsPerMove`, in that order.
    private var full: [String] = []
    /// The journal's last row number so far.
    private(set) var lastSeq: Int64 = 0

    /// `lastSeq`: the journal's last row number so far.
    init(rowsPerMove: Int = 64, maxAge: Int64 = 300_000, lastSeq: Int64 = 0) {
        self.rowsPerMove = max(1, rowsPerMove)
        self.maxAge = maxAge
        self.lastSeq = lastSeq
    }

    var waitingRows: Int { tails.values.reduce(0) { $0 + $1.seqs.count } }

    /// A journal row, numbered `seq` (numbers grow), of `device`, received at `receivedAt`.
    mutating func append(device: String, seq: Int64, receivedAt: Int64) {
        lastSeq = max(lastSeq, seq)
        if tails[device] == nil {
            tails[device] = Tail(seqs: [seq], firstReceivedAt: receivedAt)
            byAge.append((device, seq))
        } else {
            tails[device]!.seqs.append(seq)
        }
        if tails[device]!.seqs.count == rowsPerMove { full.append(device) }
    }

    /// Devices to move at `now`, about `rows` rows of them (at least one device, if any is due):
    /// those with a full run first, then those whose oldest row has waited longest, if it has
    /// waited `maxAge`. Nothing changes until `remove`.
    func due(now: Int64, rows: Int) -> [String] {
        var devices: [String] = [], chosen = Set<String>(), taken = 0
        func take(_ device: String, _ tail: Tail) {
            if chosen.insert(device).inserted { devices.append(device); taken += tail.seqs.count }
        }
        for device in full {
            guard taken < rows else { return devices }
            if let tail = tails[device] { take(device, tail) }
        }
        var i = byAgeStart
        while taken < rows, i < byAge.count {
            let (device, seq) = byAge[i]
            i += 1
            guard let tail = tails[device], tail.seqs.first == seq else { continue } // moved since
            guard now - tail.firstReceivedAt >= maxAge else { break }
            take(device, tail)
        }
        return devices
    }

    /// The device's tail, once its rows are in the track.
    mutating func remove(_ device: String) {
        tails[device] = nil
        while byAgeStart < byAge.count, tails[byAge[byAgeStart].device]?.seqs.first != byAge[byAgeStart].seq { byAgeStart += 1 }
        full.removeAll { $0 == device }
        if byAgeStart > 4_096, byAgeStart * 2 > byAge.count { // let the spent entries go
            byAge.removeFirst(byAgeStart)
            byAgeStart = 0
        }
    }

    /// Every journal row numbered below this is in the track.
    var movedBelow: Int64 { byAgeStart < byAge.count ? byAge[byAgeStart].seq : lastSeq + 1 }
}
