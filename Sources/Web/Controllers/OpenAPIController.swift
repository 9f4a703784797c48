import Foundation
import Vapor

/// Serves the OpenAPI 3.1 document kept in Resources/openapi.json.
struct OpenAPIController {
    static let document: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { fatalError("openapi.json missing from the Web bundle") }
        return data
    }()

    func document(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(data: Self.document))
        response.headers.contentType = .json
        return response
    }
}
