import Foundation
import Law
import Testing
import TestSupport
import Vapor
import VaporTesting

@Suite struct OpenAPITests {
    /// `:caseID` in a route is `{caseID}` in the document.
    func template(_ route: Route) -> String {
        "/" + route.path.map { component -> String in
            switch component {
            case .constant(let text): text
            case .parameter(let name): "{\(name)}"
            case .anything: "*"
            case .catchall: "**"
            }
        }.joined(separator: "/")
    }

    func document(_ app: Application) async throws -> [String: [String: Any]] {
        let response = try await app.request(.GET, "/api/v1/openapi.json")
        #expect(response.status == .ok)
        #expect(response.json["openapi"] as? String == "3.1.0")
        return try #require(response.json["paths"] as? [String: [String: Any]])
    }

    /// The JSON API and the health check; the web pages are not part of the API.
    func apiRoutes(_ app: Application) -> [Route] {
        app.routes.all.filter { let path = template($0); return path.hasPrefix("/api/") || path.hasPrefix("/health") }
    }

    @Test func everyRouteIsInTheDocument() async throws {
        try await withQorgauApp { app in
            let paths = try await document(app)
            for route in apiRoutes(app) {
                let path = template(route)
                let method = route.method.rawValue.lowercased()
                #expect(paths[path]?[method] != nil, "\(route.method) \(path) is not in openapi.json")
            }
        }
    }

    @Test func everyOperationInTheDocumentIsARoute() async throws {
        try await withQorgauApp { app in
            let paths = try await document(app)
            let routes = Set(apiRoutes(app).map { "\($0.method.rawValue.lowercased()) \(template($0))" })
            for (path, operations) in paths {
                for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    #expect(routes.contains("\(method) \(path)"), "\(method) \(path) is documented but not served")
                }
            }
        }
    }

    /// Every value a vocabulary of the answers can take is in the document's enum.
    @Test func theDeadlineKindsAreTheDocumentsOwn() async throws {
        try await withQorgauApp { app in
            let response = try await app.request(.GET, "/api/v1/openapi.json")
            let schemas = (response.json["components"] as? [String: Any])?["schemas"] as? [String: Any]
            let kind = ((schemas?["Deadline"] as? [String: Any])?["properties"] as? [String: Any])?["kind"] as? [String: Any]
            #expect(Set(kind?["enum"] as? [String] ?? []) == Set(Deadline.Kind.allCases.map(\.rawValue)))
        }
    }
}
