import Domain
import Fluent
import Foundation

/// How each user is reached, and each unit's duty roster.
public struct ContactStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func contact(of userID: UUID) async throws -> Contact? {
        try await ContactModel.find(userID, on: db)?.value
    }

    /// Keeps a user's contact details and chosen channels (audited, without the details).
    public func save(_ contact: Contact, now: Int64) async throws {
        let model = try await ContactModel.find(contact.userID, on: db) ?? ContactModel()
        model.id = contact.userID
        model.language = contact.language
        model.phone = contact.phone
        model.email = contact.email
        model.channels = DeliveryChannel.allCases.filter(contact.channels.contains).map(\.rawValue).joined(separator: ",")
        model.updatedAt = now
        try await db.auditedTransaction { tx in
            try await model.save(on: tx)
            return ((), [AuditEntry(action: "contact.changed", entity: ContactModel.schema, entityID: contact.userID.apiString,
                                    detail: model.channels.isEmpty ? "no channels" : model.channels)])
        }
    }

    /// A unit's roster, by duty.
    public func roster(unit: String) async throws -> [RosterEntry] {
        try await DutyRosterModel.query(on: db).filter(\.$unit == unit).sort(\.$duty).sort(\.$fromMinute).all().compactMap(\.value)
    }

    /// Replaces a unit's roster (audited).
    public func replaceRoster(unit: String, with entries: [RosterEntry]) async throws {
        try await db.auditedTransaction { tx in
            try await DutyRosterModel.query(on: tx).filter(\.$unit == unit).delete()
            for entry in entries {
                let row = DutyRosterModel()
                row.id = UUID(); row.unit = unit; row.duty = entry.duty.rawValue; row.userID = entry.userID
                row.fromMinute = entry.fromMinute; row.toMinute = entry.toMinute
                try await row.create(on: tx)
            }
            return ((), [AuditEntry(action: "roster.changed", entity: DutyRosterModel.schema, entityID: unit,
                                    detail: "\(entries.count) duties")])
        }
    }
}
