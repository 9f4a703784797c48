import Domain

/// The first sorting of an offence's conduct up to the assessment date.
struct ConductSort {
    var beforeInForce: [String] = []
    var timeBarred: [String] = []
    /// Judged by a verdict: never counted again.
    var adjudicated: [String] = []
    /// Before the latest conviction and not in it: the course it ended.
    var beforeVerdict: [String] = []
    /// Expiries of episodes whose clock still runs though they are not counted (judged by a
    /// verdict not yet in force, or before a conviction and not in it).
    var running: [EpisodeExpiry] = []
    /// The rest, to assess: positions in the timeline.
    var candidates: [Int] = []
}

extension Assessor {
    /// Episodes a verdict covers are judged and never counted again; their clock runs until it
    /// enters into force (УК РК art. 71): one whose time ran out before is time-barred. Episodes
    /// up to the latest conviction that it did not cover belong to the course it ended: their
    /// clock runs on (a verdict on other episodes stops nothing), but they are not counted with
    /// the conduct after it.
    func sortConduct(_ plan: OffencePlan, timeline t: Timeline, verdicts: VerdictCover?, at date: LocalDate) -> ConductSort {
        var sorted = ConductSort()
        sorted.candidates.reserveCapacity(t.count)
        let courseStart = verdicts?.lastConviction
        for i in 0..<t.count where plan.conductKinds & t.entries[i].kindBits != 0 {
            let day = t.entries[i].day
            if day < plan.countsFrom { sorted.beforeInForce.append(t.ids[i]); continue }
            if let verdicts, let cover = verdicts[t.ids[i]] {
                let inForce = cover.final <= date
                // counted from the last act of this offence's conduct the verdict covers, where the pack says so
                let from = plan.fromLastEpisode
                    ? cover.positions.filter { plan.conductKinds & t.entries[$0].kindBits != 0 }.map { t.entries[$0].day }.max() ?? day : day
                let expiry = plan.limitationMonths.map { LegalDayCalendar.adding(months: $0, to: from) }
                if let expiry, (inForce ? cover.final : date) > expiry {
                    sorted.timeBarred.append(t.ids[i])
                } else {
                    sorted.adjudicated.append(t.ids[i])
                    if !inForce, let expiry { sorted.running.append(EpisodeExpiry(incident: t.ids[i], expires: expiry)) }
                }
                continue
            }
            if let courseStart, day <= courseStart {
                let expiry = plan.limitationMonths.map { LegalDayCalendar.adding(months: $0, to: day) }
                if let expiry, date > expiry {
                    sorted.timeBarred.append(t.ids[i])
                } else {
                    sorted.beforeVerdict.append(t.ids[i])
                    if let expiry { sorted.running.append(EpisodeExpiry(incident: t.ids[i], expires: expiry)) }
                }
                continue
            }
            sorted.candidates.append(i)
        }
        return sorted
    }
}
