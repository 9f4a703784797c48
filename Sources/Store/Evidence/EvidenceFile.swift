/// A file as received (a photo, a recording, a document): its content is in the blob store
/// under its SHA-256, ready to be attached to an incident as evidence.
public struct EvidenceFile: Sendable, Equatable {
    public var sha256: String
    public var name: String
    public var mediaType: String
    public var size: Int64

    public init(sha256: String, name: String, mediaType: String, size: Int64) {
        self.sha256 = sha256; self.name = name; self.mediaType = mediaType; self.size = size
    }
}
