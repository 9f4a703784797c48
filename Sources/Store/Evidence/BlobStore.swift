import Domain
import Foundation

/// Evidence files on disk, addressed by the SHA-256 of their content (`ab/abcdef…`) and sealed
/// with the evidence key. A file uploaded twice is stored once. Uploads are written to `tmp/`
/// and moved into place only when complete and accepted, so a refused or broken upload leaves
/// nothing behind.
public struct BlobStore: Sendable {
    public let directory: String
    let key: EvidenceKey

    public init(directory: String, key: EvidenceKey) throws {
        self.directory = directory
        self.key = key
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    /// A new upload, sealed as it is written.
    public func upload() throws -> BlobUpload {
        BlobUpload(writer: try BlobWriter(key: key.key, path: "\(directory)/tmp/\(UUID().apiString)"))
    }

    /// Puts a finished upload at its address (or drops it when that content is already stored).
    public func keep(_ upload: BlobUpload, sha256: String) throws {
        let target = path(sha256)
        let manager = FileManager.default
        if manager.fileExists(atPath: target) {
            try? manager.removeItem(atPath: upload.writer.path)
            return
        }
        try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if rename(upload.writer.path, target) != 0 {
            try? manager.removeItem(atPath: upload.writer.path)
            throw BlobError.io("cannot move the upload into the evidence store (errno \(errno))")
        }
    }

    /// Reads a stored file back, decrypting as it goes.
    public func open(_ sha256: String) throws -> BlobContent {
        BlobContent(reader: try BlobReader(key: key.key, path: path(sha256)), sha256: sha256)
    }

    /// Nil when the file is there, opens with the key and hashes to its address; otherwise what is wrong.
    public func check(_ sha256: String) -> String? {
        do {
            let content = try open(sha256)
            while try content.next() != nil {}
            return content.matches ? nil : "its content hashes to \(content.digest), not to its address"
        } catch {
            return "\(error)"
        }
    }

    /// Removes stored content no record names any more (a draft's photo discarded unsaved).
    public func remove(_ sha256: String) {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else { return }
        try? FileManager.default.removeItem(atPath: path(sha256))
    }

    public func exists(_ sha256: String) -> Bool { FileManager.default.fileExists(atPath: path(sha256)) }

    func path(_ sha256: String) -> String {
        "\(directory)/\(sha256.prefix(2))/\(sha256)"
    }
}

/// An upload in progress: bytes in, the hash and size out.
public final class BlobUpload {
    let writer: BlobWriter
    init(writer: BlobWriter) { self.writer = writer }
    public func write(_ bytes: UnsafeRawBufferPointer) throws { try writer.write(bytes) }
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try writer.write($0) } }
    public var size: Int64 { writer.size }
    /// Completes the file; returns the SHA-256 of its plaintext.
    public func finish() throws -> String { try writer.finish() }
    /// Removes the partial file.
    public func abandon() { writer.abandon() }
}

/// A stored file being read: plaintext pieces, then whether it matched its address. Read by one
/// task at a time (the response that streams it), hence unchecked.
public final class BlobContent: @unchecked Sendable {
    let reader: BlobReader
    public let sha256: String
    public private(set) var digest = ""

    init(reader: BlobReader, sha256: String) { self.reader = reader; self.sha256 = sha256 }

    public func next() throws -> [UInt8]? {
        if let piece = try reader.next() { return piece }
        if digest.isEmpty { digest = reader.digest() }
        return nil
    }

    public var matches: Bool { digest == sha256 }
}
