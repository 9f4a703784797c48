import Fluent
import Foundation
import SQLKit

/// A diary entry not yet saved: the form's fields as she typed them, and a photo she chose.
public struct DiaryDraft: Sendable, Equatable {
    public typealias Photo = EvidenceFile

    public var caseID: UUID?
    /// The form's fields by name (`impact` holds its choices joined by commas).
    public var fields: [String: String]
    public var photo: Photo?
    public var updatedAt: Int64

    public init(caseID: UUID?, fields: [String: String], photo: Photo? = nil, updatedAt: Int64 = 0) {
        self.caseID = caseID; self.fields = fields; self.photo = photo; self.updatedAt = updatedAt
    }
}

/// Drafts, one per user, read and written only for that user. Not audited: a draft is not a
/// record of the case until she saves it, and it is written as she types.
public struct DiaryDraftStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func draft(of userID: UUID) async throws -> DiaryDraft? {
        guard let model = try await DiaryDraftModel.find(userID, on: db) else { return nil }
        let fields = (try? JSONDecoder().decode([String: String].self, from: Data(model.fields.utf8))) ?? [:]
        let photo = model.photoSHA256.map {
            DiaryDraft.Photo(sha256: $0, name: model.photoName ?? "", mediaType: model.photoType ?? "application/octet-stream",
                             size: model.photoSize ?? 0)
        }
        return DiaryDraft(caseID: model.caseID, fields: fields, photo: photo, updatedAt: model.updatedAt)
    }

    /// Keeps the draft's fields; the photo already kept stays unless `photo` replaces it.
    /// Returns the content address of the photo a new one replaced (for the caller to drop).
    @discardableResult
    public func save(_ draft: DiaryDraft, of userID: UUID, now: Int64) async throws -> String? {
        let fields = String(decoding: try JSONEncoder().encode(draft.fields), as: UTF8.self)
        let model = try await DiaryDraftModel.find(userID, on: db) ?? DiaryDraftModel(userID: userID)
        var replaced: String?
        if let photo = draft.photo, photo.sha256 != model.photoSHA256 {
            replaced = model.photoSHA256
            model.photoSHA256 = photo.sha256; model.photoName = photo.name; model.photoType = photo.mediaType; model.photoSize = photo.size
        }
        model.caseID = draft.caseID
        model.fields = fields
        model.updatedAt = now
        try await model.save(on: db)
        return replaced
    }

    /// Drops the photo a draft holds; returns its content address (for the caller to remove).
    public func dropPhoto(of userID: UUID) async throws -> String? {
        guard let model = try await DiaryDraftModel.find(userID, on: db), let sha = model.photoSHA256 else { return nil }
        model.photoSHA256 = nil; model.photoName = nil; model.photoType = nil; model.photoSize = nil
        try await model.save(on: db)
        return sha
    }

    /// Takes the draft's photo for an entry being saved: atomically, so that a discard at the same
    /// moment either gets it (and the entry goes without it) or finds it gone (and leaves the file).
    public func claimPhoto(_ sha256: String, of userID: UUID) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        let rows = try await sql.update(DiaryDraftModel.schema).set("photo_sha256", to: SQLLiteral.null)
            .where("user_id", .equal, SQLBind(userID)).where("photo_sha256", .equal, SQLBind(sha256))
            .returning("user_id").all()
        return !rows.isEmpty
    }

    /// Deletes the draft (saved as an incident, or thrown away) and returns the content address of
    /// the photo it still held, atomically (see `claimPhoto`).
    public func discard(of userID: UUID) async throws -> String? {
        guard let sql = db as? any SQLDatabase else { return nil }
        struct Row: Decodable { var photo_sha256: String? }
        return try await sql.delete(from: DiaryDraftModel.schema).where("user_id", .equal, SQLBind(userID))
            .returning("photo_sha256").all(decoding: Row.self).first?.photo_sha256
    }

    /// Whether any evidence or other draft still names this content (before its file is removed).
    public func isReferenced(_ sha256: String) async throws -> Bool {
        if try await DiaryDraftModel.query(on: db).filter(\.$photoSHA256 == sha256).count() > 0 { return true }
        return try await EvidenceModel.query(on: db).filter(\.$sha256 == sha256).count() > 0
    }
}

final class DiaryDraftModel: Model, @unchecked Sendable {
    static let schema = "diary_drafts"

    @ID(custom: "user_id", generatedBy: .user) var id: UUID?
    @OptionalField(key: "case_id") var caseID: UUID?
    @Field(key: "fields") var fields: String
    @OptionalField(key: "photo_sha256") var photoSHA256: String?
    @OptionalField(key: "photo_name") var photoName: String?
    @OptionalField(key: "photo_type") var photoType: String?
    @OptionalField(key: "photo_size") var photoSize: Int64?
    @Field(key: "updated_at_ms") var updatedAt: Int64

    init() {}
    init(userID: UUID) { id = userID }
}
