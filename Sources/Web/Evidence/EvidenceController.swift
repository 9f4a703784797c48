import Cases
import Domain
import Foundation
import Store
import Vapor

/// Evidence files: upload to an incident (multipart, streamed), list, download (streamed back
/// with its hash), and the chain of custody of each item.
struct EvidenceController {
    /// `POST /api/v1/cases/{caseID}/incidents/{incidentID}/evidence`, multipart/form-data with
    /// the file in a part named `file`. 201 with the item; 200 when this incident already has
    /// this content.
    func upload(req: Request) async throws -> Response {
        // A streamed body's handler does not run in the task the middleware set the actor in.
        try await Auditing.$actor.withValue(try req.principal.subject) { try await receive(req: req) }
    }

    private func receive(req: Request) async throws -> Response {
        let principal = try req.principal
        let caseID = try req.uuid("caseID", what: "case"), incidentID = try req.uuid("incidentID", what: "incident")
        let store = EvidenceStore(db: req.db)
        try await store.requireIncident(incidentID, caseID: caseID, scope: principal.scope)
        // a victim's file goes only to an entry she may add to: refused before a byte is kept
        let entry = principal.role == .victim ? try await req.incidents.ownEntry(incidentID, caseID: caseID) : nil
        guard let type = req.headers.contentType, type.type.lowercased() == "multipart", type.subType.lowercased() == "form-data" else {
            throw UploadRefusal(pointer: "/file", status: .unsupportedMediaType,
                                "send the file as multipart/form-data, in a part named \"file\"")
        }
        let boundary = try MultipartGuard.boundary(of: type)
        let receiver = UploadReceiver(blobs: req.application.blobs, limit: req.application.qorgauConfig.maxEvidenceBytes)
        if let session = try req.signedIn.session, req.headers.first(name: "X-CSRF-Token") != session.csrfToken {
            // A browser form: its CSRF field must come before the file.
            receiver.beforeFile = { fields in
                guard fields["csrf"] == session.csrfToken else {
                    throw Abort(.forbidden, reason: "the form is missing its CSRF token or it is not this session's: reload the page")
                }
            }
        }
        let received: UploadReceiver.Received
        do {
            let parser = MultipartParser(boundary: boundary)
            var guardian = MultipartGuard(boundary: boundary) // ahead of the parser, which aborts on some bytes
            receiver.attach(to: parser)
            // the whole body: the file's limit and room for the form fields around it
            let limit = req.application.qorgauConfig.maxEvidenceBytes + Int64(MultipartGuard.maxParts * MultipartGuard.maxHeaderBytes) + 65_536
            var total: Int64 = 0
            for try await chunk in req.body {
                total += Int64(chunk.readableBytes)
                guard total <= limit else { throw Abort(.payloadTooLarge) }
                try guardian.scan(chunk.readableBytesView)
                try parser.execute(chunk)
                if let failure = receiver.failure { throw failure }
            }
            received = try receiver.finish()
            try req.application.blobs.keep(received.upload, sha256: received.sha256)
        } catch {
            receiver.abandon()
            if let refusal = error as? UploadRefusal, refusal.status == .unprocessableEntity {
                throw ValidationFailure(pointer: refusal.pointer, message: refusal.reason)
            }
            if error is any AbortError || error is ValidationFailure { throw error }
            throw Abort(.badRequest, reason: "the multipart body is malformed") // the parser's own syntax error

        }
        let file = EvidenceFile(sha256: received.sha256, name: received.name, mediaType: received.mediaType, size: received.size)
        let (evidence, created) = if let entry { try await req.incidents.attach(file, to: entry) } else {
            try await req.incidents.attach(file, to: incidentID, caseID: caseID)
        }
        let response = try await EvidenceResponse(evidence).encodeResponse(status: created ? .created : .ok, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/cases/\(caseID.apiString)/evidence/\(evidence.id.apiString)")
        return response
    }

    /// `GET /api/v1/cases/{caseID}/evidence`: every item of the case with its hash.
    func list(req: Request) async throws -> [EvidenceResponse] {
        let caseID = try req.uuid("caseID", what: "case")
        return try await req.incidents.evidence(caseID: caseID).map(EvidenceResponse.init)
    }

    /// `GET /api/v1/cases/{caseID}/evidence/{evidenceID}`: one item's record (a custody event: viewed).
    func get(req: Request) async throws -> EvidenceResponse {
        let store = EvidenceStore(db: req.db)
        let evidence = try await item(req)
        try await store.record("viewed", of: evidence)
        return EvidenceResponse(evidence)
    }

    /// `GET …/evidence/{evidenceID}/content`: the file, decrypted as it streams, with its SHA-256
    /// in `Repr-Digest` and `X-Content-SHA256`. A stored file that no longer matches its hash is
    /// cut off with an error rather than delivered whole.
    func content(req: Request) async throws -> Response {
        let store = EvidenceStore(db: req.db)
        let evidence = try await item(req)
        let content = try req.application.blobs.open(evidence.sha256)
        try await store.record("downloaded", of: evidence)
        var headers = HTTPHeaders()
        let parts = evidence.mediaType.split(separator: "/", maxSplits: 1).map(String.init)
        headers.contentType = parts.count == 2 ? HTTPMediaType(type: parts[0], subType: parts[1]) : .binary
        headers.add(name: "X-Content-SHA256", value: evidence.sha256)
        headers.add(name: "Repr-Digest", value: "sha-256=:\(Self.base64(hex: evidence.sha256)):")
        headers.add(name: .contentDisposition, value: Self.disposition(evidence.name))
        let logger = req.logger
        let body = Response.Body(asyncStream: { writer in
            do {
                while let piece = try content.next() { try await writer.write(.buffer(ByteBuffer(bytes: piece))) }
                guard content.matches else {
                    logger.error("evidence \(evidence.id.apiString) does not match its hash")
                    return try await writer.write(.error(Abort(.internalServerError, reason: "the stored file does not match its hash")))
                }
                try await writer.write(.end)
            } catch {
                try await writer.write(.error(error))
            }
        }, count: Int(evidence.size))
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `GET …/evidence/{evidenceID}/custody`: who added, viewed, downloaded or exported the item.
    func custody(req: Request) async throws -> [CustodyEventResponse] {
        let store = EvidenceStore(db: req.db)
        let evidence = try await item(req)
        return try await store.custody(of: evidence).map(CustodyEventResponse.init)
    }

    private func item(_ req: Request) async throws -> StoredEvidence {
        let caseID = try req.uuid("caseID", what: "case"), id = try req.uuid("evidenceID", what: "evidence")
        return try await req.incidents.evidence(id, caseID: caseID)
    }

    static func base64(hex: String) -> String {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return Data(bytes).base64EncodedString()
    }

    /// `attachment` with an ASCII fallback name and the real one in RFC 5987 form.
    static func disposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "evidence"
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}

struct EvidenceResponse: Content {
    var id: String
    var caseId: String
    var incidentId: String
    var sha256: String
    var name: String
    var mediaType: String
    var size: Int64
    var addedBy: String
    var addedAt: String

    init(_ e: StoredEvidence) {
        id = e.id.apiString; caseId = e.caseID.apiString; incidentId = e.incidentID.apiString; sha256 = e.sha256
        name = e.name; mediaType = e.mediaType; size = e.size; addedBy = e.addedBy; addedAt = Timestamp.text(e.addedAt)
    }
}

struct CustodyEventResponse: Content {
    var seq: Int64
    var at: String
    var actor: String
    var action: String
    var detail: String?

    init(_ r: AuditRecord) {
        seq = r.seq; at = Timestamp.text(r.at); actor = r.actor; action = r.action; detail = r.detail
    }
}
