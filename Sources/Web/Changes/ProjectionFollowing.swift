import Cases
import Domain
import Fluent
import Law
import Store
import Vapor

extension Application {
    /// The projections (search, worklists) follow every change to a case, wherever it was made,
    /// and note how far they have read so that a restarted server catches up.
    func followChangesInProjections(packs: PackLibrary) async {
        let projections = Projections(db: db, packs: packs), logger = self.logger
        await caseChanges.listen { changes, _, upTo in
            do {
                try await projections.apply(changes, upTo: upTo, on: packs.reportingDay())
            } catch {
                logger.error("projections: changed cases could not be projected: \(String(describing: type(of: error)))")
            }
        }
    }

    /// Brings the projections up to the audit log's head from where they were left (a whole
    /// projection after an upgrade), then makes again, each new day, the worklist rows whose day
    /// has come. In the background: the server and its monitoring start at once.
    func catchUpProjections() {
        guard let packs = try? PackLibrary.loaded() else { return }
        let projections = Projections(db: db, packs: packs), logger = self.logger
        let task = Task {
            var caughtUpOn: LocalDate?
            while !Task.isCancelled {
                let today = packs.reportingDay()
                if caughtUpOn != today {
                    do {
                        for line in try await projections.catchUp(on: today) { logger.notice("\(line)") }
                        caughtUpOn = today
                    } catch {
                        logger.error("projections: could not catch up: \(String(describing: type(of: error)))")
                    }
                }
                try? await Task.sleep(for: .seconds(60))
            }
        }
        lifecycle.use(TaskStopper(task: task))
    }
}
