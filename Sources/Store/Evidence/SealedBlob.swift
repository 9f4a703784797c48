import Crypto
import Foundation

/// The encrypted form of an evidence file: a 12-byte header ("QEV" 1, a version byte, an 8-byte
/// random file id) and the plaintext in chunks of `chunkSize`, each sealed with AES-256-GCM.
/// A chunk's nonce is the file id, a flag byte marking the last chunk and the chunk's number, so
/// chunks cannot be reordered, moved between files or cut off the end without failing to open.
enum SealedBlob {
    static let chunkSize = 256 * 1024
    static let tagSize = 16
    static let magic: [UInt8] = [0x51, 0x45, 0x56, 0x01] // "QEV" 1
    static let headerSize = 12

    static func nonce(fileID: [UInt8], index: UInt32, last: Bool) throws -> AES.GCM.Nonce {
        var bytes = fileID
        bytes.append(last ? 1 : 0)
        withUnsafeBytes(of: index.bigEndian) { bytes.append(contentsOf: $0.suffix(3)) }
        return try AES.GCM.Nonce(data: bytes)
    }
}

/// Encrypts a stream into a file while hashing the plaintext. Nothing is kept in memory but one chunk.
final class BlobWriter {
    private let key: SymmetricKey
    private let handle: FileHandle
    let path: String
    private let fileID: [UInt8]
    private var pending: [UInt8] = []
    private var index: UInt32 = 0
    private var hasher = SHA256()
    private(set) var size: Int64 = 0

    init(key: SymmetricKey, path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else { throw BlobError.io("cannot create \(path)") }
        self.key = key; self.handle = handle; self.path = path
        fileID = (0..<8).map { _ in UInt8.random(in: 0...255) }
        pending.reserveCapacity(SealedBlob.chunkSize)
        try handle.write(contentsOf: SealedBlob.magic + fileID)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let take = min(SealedBlob.chunkSize - pending.count, bytes.count - offset)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            if pending.count == SealedBlob.chunkSize { try seal(last: false) }
        }
    }

    /// Seals the last chunk and syncs the file; returns the plaintext's SHA-256 (hex).
    func finish() throws -> String {
        try seal(last: true)
        try handle.synchronize()
        try handle.close()
        return SHA256Hex.hex(hasher.finalize())
    }

    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    private func seal(last: Bool) throws {
        hasher.update(data: pending)
        size += Int64(pending.count)
        let box = try AES.GCM.seal(pending, using: key, nonce: try SealedBlob.nonce(fileID: fileID, index: index, last: last))
        try handle.write(contentsOf: box.ciphertext)
        try handle.write(contentsOf: box.tag)
        pending.removeAll(keepingCapacity: true)
        if index == UInt32(1 << 24) - 1 { throw BlobError.tooLarge }
        index += 1
    }
}

/// Decrypts a sealed file chunk by chunk, hashing what it returns.
final class BlobReader {
    private let key: SymmetricKey
    private let handle: FileHandle
    private let fileID: [UInt8]
    private var index: UInt32 = 0
    private var lookahead: Data
    private var done = false
    private var hasher = SHA256()

    init(key: SymmetricKey, path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BlobError.missing(path) }
        self.key = key; self.handle = handle
        let header = try handle.read(upToCount: SealedBlob.headerSize) ?? Data()
        guard header.count == SealedBlob.headerSize, Array(header.prefix(4)) == SealedBlob.magic else {
            try? handle.close()
            throw BlobError.damaged("not an evidence file")
        }
        fileID = Array(header.suffix(8))
        lookahead = try handle.read(upToCount: SealedBlob.chunkSize + SealedBlob.tagSize) ?? Data()
    }

    deinit { try? handle.close() }

    /// The next piece of plaintext, or nil at the end. Throws when a chunk does not open.
    func next() throws -> [UInt8]? {
        guard !done else { return nil }
        let sealed = lookahead
        lookahead = try handle.read(upToCount: SealedBlob.chunkSize + SealedBlob.tagSize) ?? Data()
        let last = lookahead.isEmpty
        guard sealed.count >= SealedBlob.tagSize else { throw BlobError.damaged("chunk \(index) is cut short") }
        do {
            let box = try AES.GCM.SealedBox(nonce: try SealedBlob.nonce(fileID: fileID, index: index, last: last),
                                            ciphertext: sealed.prefix(sealed.count - SealedBlob.tagSize),
                                            tag: sealed.suffix(SealedBlob.tagSize))
            let plain = Array(try AES.GCM.open(box, using: key))
            hasher.update(data: plain)
            index += 1
            if last { done = true }
            return plain
        } catch {
            throw BlobError.damaged("chunk \(index) does not open: the file was changed or the key is not the one it was sealed with")
        }
    }

    /// The SHA-256 (hex) of everything read, once `next()` has returned nil.
    func digest() -> String { SHA256Hex.hex(hasher.finalize()) }
}

enum BlobError: Error, CustomStringConvertible {
    case io(String), missing(String), damaged(String), tooLarge
    var description: String {
        switch self {
        case .io(let why): why
        case .missing(let path): "the evidence file \(path) is missing"
        case .damaged(let why): why
        case .tooLarge: "the file is too large to seal"
        }
    }
}
