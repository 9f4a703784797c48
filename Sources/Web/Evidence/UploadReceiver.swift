import Domain
import Foundation
import Store
import Vapor

/// Takes a multipart/form-data body as it streams in: the part named `file` is sealed into the
/// blob store chunk by chunk (never held whole in memory), its type judged by its first bytes,
/// its size held to the limit. Small text parts (`csrf`) are kept for the caller. On any refusal
/// the partial file is removed.
final class UploadReceiver {
    struct Received {
        var upload: BlobUpload
        var sha256: String
        var size: Int64
        var name: String
        var mediaType: String
    }

    private let blobs: BlobStore
    private let limit: Int64
    private var headers: [String: String] = [:]
    private var upload: BlobUpload?
    private var prefix: [UInt8] = []
    private var mediaType: String?
    private var fileName = "evidence"
    private var inFile = false
    private var fileBytes: Int64 = 0
    private var fieldValue: [UInt8] = []
    private(set) var fields: [String: String] = [:]
    private(set) var failure: (any Error)?
    private var received: Received?
    /// Called when the file part begins, with the fields seen before it (the CSRF check).
    var beforeFile: ([String: String]) throws -> Void = { _ in }

    init(blobs: BlobStore, limit: Int64) { self.blobs = blobs; self.limit = limit }

    func attach(to parser: MultipartParser) {
        parser.onHeader = { [unowned self] name, value in headers[name.lowercased()] = value }
        parser.onBody = { [unowned self] buffer in
            guard failure == nil else { return }
            do { try buffer.withUnsafeReadableBytes { try body($0) } } catch { failure = error }
        }
        parser.onPartComplete = { [unowned self] in
            guard failure == nil else { return }
            do { try partComplete() } catch { failure = error }
            headers = [:]
        }
    }

    private func partName() -> (name: String?, fileName: String?) {
        let parameters = Self.dispositionParameters(headers["content-disposition"] ?? "")
        return (parameters["name"], parameters["filename"])
    }

    /// The parameters of a Content-Disposition value (RFC 6266): `key=token` or `key="quoted"`,
    /// where a quoted value may hold `;` and `\"`. The first of each key counts.
    static func dispositionParameters(_ value: String) -> [String: String] {
        var parameters: [String: String] = [:]
        var scalars = Substring(value).unicodeScalars[...]
        func skipSpaces() { while let c = scalars.first, c == " " || c == "\t" { scalars.removeFirst() } }
        // the disposition type
        while let c = scalars.first, c != ";" { scalars.removeFirst() }
        while scalars.first == ";" {
            scalars.removeFirst()
            skipSpaces()
            var key = ""
            while let c = scalars.first, c != "=", c != ";" { key.unicodeScalars.append(c); scalars.removeFirst() }
            guard scalars.first == "=" else { continue }
            scalars.removeFirst()
            skipSpaces()
            var text = ""
            if scalars.first == "\"" {
                scalars.removeFirst()
                while let c = scalars.first {
                    scalars.removeFirst()
                    if c == "\"" { break }
                    if c == "\\", let next = scalars.first { text.unicodeScalars.append(next); scalars.removeFirst(); continue }
                    text.unicodeScalars.append(c)
                }
                while let c = scalars.first, c != ";" { scalars.removeFirst() }
            } else {
                while let c = scalars.first, c != ";" { text.unicodeScalars.append(c); scalars.removeFirst() }
                text = text.trimmingCharacters(in: .whitespaces)
            }
            let name = key.trimmingCharacters(in: .whitespaces).lowercased()
            if parameters[name] == nil { parameters[name] = text }
        }
        return parameters
    }

    private func body(_ bytes: UnsafeRawBufferPointer) throws {
        if upload == nil, !inFile {
            let part = partName()
            if part.name == "file" {
                guard received == nil else { throw UploadRefusal(pointer: "/file", status: .unprocessableEntity, "send one file per upload") }
                try beforeFile(fields)
                inFile = true
                fileName = Self.safeName(part.fileName)
                upload = try blobs.upload()
            }
        }
        if inFile, let upload {
            fileBytes += Int64(bytes.count)
            if fileBytes > limit {
                throw UploadRefusal(pointer: "/file", status: .payloadTooLarge, "the file is larger than the \(limit) bytes allowed")
            }
            if mediaType == nil {
                prefix += bytes
                if prefix.count >= MediaSniffer.prefixLength { try judge(complete: false) }
            } else {
                try upload.write(bytes)
            }
        } else {
            fieldValue += bytes
            if fieldValue.count > 4096 { throw UploadRefusal(pointer: "/", status: .unprocessableEntity, "a form field is too long") }
        }
    }

    private func judge(complete: Bool) throws {
        guard let type = MediaSniffer.mediaType(of: Array(prefix.prefix(MediaSniffer.prefixLength)), complete: complete) else {
            throw UploadRefusal(pointer: "/file", status: .unsupportedMediaType,
                                "the file is not one of the accepted types (\(MediaSniffer.accepted.joined(separator: ", "))); it is judged by its content, not its name")
        }
        mediaType = type
        try upload?.write(prefix)
        prefix = []
    }

    private func partComplete() throws {
        if inFile, let upload {
            if mediaType == nil {
                guard !prefix.isEmpty else { throw UploadRefusal(pointer: "/file", status: .unprocessableEntity, "the file is empty") }
                try judge(complete: true)
            }
            let sha256 = try upload.finish()
            received = Received(upload: upload, sha256: sha256, size: upload.size, name: fileName, mediaType: mediaType!)
            self.upload = nil
            inFile = false
        } else if let name = partName().name {
            fields[name] = String(decoding: fieldValue, as: UTF8.self)
        }
        fieldValue = []
    }

    /// The received file, once the whole body has been read.
    func finish() throws -> Received {
        if let failure { throw failure }
        guard let received else {
            throw UploadRefusal(pointer: "/file", status: .unprocessableEntity, inFile ? "the upload was cut off" : "send the file in a form part named \"file\"")
        }
        return received
    }

    /// Removes whatever was written: the part in progress and a finished file not yet kept.
    func abandon() {
        upload?.abandon()
        received?.upload.abandon()
    }

    /// The last path component, without control characters or the invisible marks that reorder
    /// or hide text (right-to-left overrides and isolates, which make `gpj.exe` read `exe.jpg`),
    /// at most 200 characters.
    static func safeName(_ raw: String?) -> String {
        let last = (raw ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter {
            $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) && !(0x202A...0x202E).contains($0.value)
                && !(0x2066...0x2069).contains($0.value) && ![0x200E, 0x200F, 0x061C, 0xFEFF].contains($0.value)
        }.map(Character.init)).prefix(200)
        return clean.isEmpty ? "evidence" : String(clean)
    }
}

/// An upload refused: the status to answer and the reason, against the form field.
struct UploadRefusal: Error, AbortError {
    var pointer: String
    var status: HTTPResponseStatus
    var reason: String
    init(pointer: String, status: HTTPResponseStatus, _ reason: String) { self.pointer = pointer; self.status = status; self.reason = reason }
}
