import Foundation

/// What changed in a case: the one signal every consumer of changes follows (the monitoring
/// engines, the alert routing). It is read from the audit log, which every write appends to in
/// its own transaction, so it is raised alike for a change made by this process, by another
/// instance on the same database, or by the command line beside a running server.
public struct CaseChange: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The case's number, unit or status.
        case header
        /// Persons and their places.
        case persons
        case incidents
        case orders
        /// Devices, administrative cases, proceedings, verdicts, risk assessments.
        case records
        case evidence
        /// Who may see the case.
        case access
    }

    public var caseID: UUID
    public var kinds: Set<Kind>

    public init(caseID: UUID, kinds: Set<Kind>) { self.caseID = caseID; self.kinds = kinds }
}
