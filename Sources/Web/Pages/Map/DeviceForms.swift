import Cases
import Domain
import Foundation
import Law
import Store
import Vapor

/// A case's devices from its monitoring page: registered to the respondent or the victim,
/// replaced by another (the same person, kind and interval), or taken off, each with its reason,
/// through `DeviceService` as the API does. A refusal comes back on the page beside its field.
struct DeviceForms {
    let packs: PackLibrary

    struct Posted: Decodable { var person: String?; var kind: String?; var id: String?; var interval: String?; var reason: String? }

    /// The forms' values and errors; `target` is the form that failed ("register" or a device's id).
    struct State: Encodable {
        var person = ""; var kind = "bracelet"; var id = ""; var interval = "60"; var reason = ""
        var target = ""
        var errors: [String: String] = [:]
    }

    /// `POST /cases/{id}/devices`.
    func register(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let posted = req.form(Posted.self) ?? Posted()
        let state = State(person: posted.person ?? "", kind: posted.kind ?? "bracelet", id: posted.id ?? "", interval: posted.interval ?? "",
                          target: "register")
        let json: [String: Any] = ["person": LifecycleForms.required(state.person), "kind": state.kind, "id": LifecycleForms.required(state.id),
                                   "intervalSeconds": Int(state.interval.trimmingCharacters(in: .whitespaces)) ?? state.interval]
        return try await attempt(req, caseID: caseID, state: state, done: "registered") { service in _ = try await service.register(caseID, try LifecycleForms.node(json)) }
    }

    /// `POST /cases/{id}/devices/{deviceID}/replace`.
    func replace(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let deviceID = req.parameters.get("deviceID") ?? ""
        let posted = req.form(Posted.self) ?? Posted()
        let state = State(id: posted.id ?? "", reason: posted.reason ?? "", target: deviceID)
        let json: [String: Any] = ["id": LifecycleForms.required(state.id), "reason": LifecycleForms.required(state.reason)]
        return try await attempt(req, caseID: caseID, state: state, done: "replaced") { service in
            _ = try await service.replace(caseID, deviceID, try LifecycleForms.node(json))
        }
    }

    /// `POST /cases/{id}/devices/{deviceID}/remove`.
    func remove(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let deviceID = req.parameters.get("deviceID") ?? ""
        let posted = req.form(Posted.self) ?? Posted()
        var state = State(reason: posted.reason ?? "", target: "remove-" + deviceID)
        let reason = state.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty {
            state.errors["reason"] = ValidationProblem(pointer: "/reason", message: "required", code: .required)
                .said(in: req.application.catalogs.words(req.pageLanguage))
            return try await MonitoringPage(packs: packs).render(req, caseID: caseID, zoneForm: .init(), deviceForm: state, status: .unprocessableEntity)
        }
        return try await attempt(req, caseID: caseID, state: state, done: "removed") { service in try await service.remove(caseID, deviceID, reason: reason) }
    }

    private func attempt(_ req: Request, caseID: UUID, state: State, done: String, _ write: (DeviceService) async throws -> Void) async throws -> Response {
        var state = state
        let t = req.application.catalogs.words(req.pageLanguage)
        do {
            try await write(DeviceService(db: req.db, principal: try req.principal))
            return req.redirect(to: "/cases/\(caseID.apiString)/monitoring?devices=\(done)#devices")
        } catch let failure as ValidationFailure {
            for problem in failure.problems {
                let field = problem.pointer.split(separator: "/").first.map(String.init) ?? "id"
                let key = field == "intervalSeconds" ? "interval" : field
                state.errors[key] = [state.errors[key], problem.said(in: t)].compactMap { $0 }.joined(separator: "; ")
            }
        }
        return try await MonitoringPage(packs: packs).render(req, caseID: caseID, zoneForm: .init(), deviceForm: state, status: .unprocessableEntity)
    }
}
