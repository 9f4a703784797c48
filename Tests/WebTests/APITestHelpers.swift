import Foundation
import NIOCore
import Testing
import TestSupport
import Vapor
import VaporTesting

extension TestingHTTPResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }

    /// The pointers of a problem document's errors.
    var problemPointers: [String] {
        (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["pointer"] as? String }
    }
}

extension Application {
    /// A request as `user` (the default test officer unless given), or as no one when `anonymous`.
    func request(_ method: HTTPMethod, _ path: String, json: Any? = nil, raw: String? = nil, as user: TestUser? = nil,
                 anonymous: Bool = false, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers = extra
        if !anonymous { headers.bearerAuthorization = BearerAuthorization(token: (user ?? defaultTestUser).token) }
        var body: ByteBuffer?
        if let json { body = Fixtures.buffer(json) }
        if let raw { body = ByteBuffer(string: raw) }
        if body != nil { headers.contentType = .json }
        return try await testing().sendRequest(method, path, headers: headers, body: body)
    }

    /// Creates a case through the API and returns its id.
    func createCase(number: String? = nil) async throws -> String {
        var body: [String: Any] = ["jurisdiction": "KZ", "openedAt": "2025-10-02T09:15:00+05:00"]
        if let number { body["number"] = number }
        let response = try await request(.POST, "/api/v1/cases", json: body)
        #expect(response.status == .created)
        return try #require(response.json["id"] as? String)
    }
}

/// Evidence uploads as a browser or a phone sends them: multipart/form-data.
enum Multipart {
    static let boundary = "qorgau-test-boundary-7MA4YWxkTrZu0gW"

    /// A body with `fields` first, then the file in a part named `file` (unless `fileField` says otherwise).
    static func body(_ bytes: [UInt8], name: String = "photo.jpg", fields: [String: String] = [:], fileField: String = "file") -> ByteBuffer {
        var buffer = ByteBuffer()
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n")
        }
        buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"\(name)\"\r\n")
        buffer.writeString("Content-Type: application/octet-stream\r\n\r\n")
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n--\(boundary)--\r\n")
        return buffer
    }

    static var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
        return headers
    }

    /// A small JPEG-looking file: the JPEG signature, then `size` bytes of a seeded pattern.
    static func jpeg(size: Int = 3000, seed: UInt8 = 1) -> [UInt8] {
        [0xFF, 0xD8, 0xFF, 0xE0] + (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }
}

extension Application {
    /// Uploads `bytes` to an incident as `user`.
    func upload(_ bytes: [UInt8], name: String = "photo.jpg", caseID: String, incidentID: String, as user: TestUser? = nil,
                fields: [String: String] = [:], fileField: String = "file") async throws -> TestingHTTPResponse {
        var headers = Multipart.headers
        headers.bearerAuthorization = BearerAuthorization(token: (user ?? defaultTestUser).token)
        return try await testing().sendRequest(.POST, "/api/v1/cases/\(caseID)/incidents/\(incidentID)/evidence", headers: headers,
                                               body: Multipart.body(bytes, name: name, fields: fields, fileField: fileField))
    }
}
