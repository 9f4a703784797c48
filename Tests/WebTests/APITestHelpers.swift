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
