import Foundation

/// A secret kept in a file of its own, readable by its owner only, made at the first start.
/// `O_EXCL`: of two instances starting at once, one makes the file and the other reads it.
enum KeyFile {
    /// The file's text, or `make()`'s written to a new file when there is none.
    static func loadOrCreate(_ file: String, what: String, make: () -> String) throws -> String {
        let manager = FileManager.default
        if let text = manager.contents(atPath: file) { return String(decoding: text, as: UTF8.self) }
        try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let text = make()
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0, errno == EEXIST {
            // another instance made it a moment ago and may still be writing it
            for _ in 0..<50 {
                if let existing = manager.contents(atPath: file), !existing.isEmpty { return String(decoding: existing, as: UTF8.self) }
                usleep(20_000)
            }
        }
        guard fd >= 0 else { throw EvidenceKeyError("cannot create the \(what) file \(file): check the data directory's permissions") }
        defer { close(fd) }
        let written = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.utf8.count, fsync(fd) == 0 else { throw EvidenceKeyError("cannot write the \(what) file \(file)") }
        return text
    }
}
