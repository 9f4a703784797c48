import Foundation

/// What one instance tells the others over PostgreSQL NOTIFY (a few hundred bytes of JSON, as
/// the web's `ClusterWire` writes it).
package struct ClusterMessage: Sendable {
    /// `members`: an instance joined or left; the others read the leases at once.
    package enum Kind: String, Codable, Sendable { case alert, escalation, refresh, members }
    package var origin: UUID
    package var kind: Kind
    package var caseID: UUID?
    package var unit: String?
    package var news: AlertNews?

    package init(origin: UUID, kind: Kind, caseID: UUID? = nil, unit: String? = nil, news: AlertNews? = nil) {
        self.origin = origin; self.kind = kind; self.caseID = caseID; self.unit = unit; self.news = news
    }
}
