import Domain
import Foundation
import Law
import Store
import Vapor

/// The dashboard's form to open a case (`POST /cases`) and the case page's form to let a victim,
/// investigator or judge see it (`POST /cases/{id}/access`), through the same rules as the API.
struct CaseForms {
    let packs: PackLibrary

    struct NewCase: Content { var number: String?; var jurisdiction: String?; var openedAt: String? }
    struct Grant: Content { var username: String? }

    func open(req: Request) async throws -> Response {
        let posted = (try? req.content.decode(NewCase.self)) ?? NewCase()
        let jurisdiction = posted.jurisdiction.flatMap { $0.isEmpty ? nil : $0 } ?? "KZ"
        var problems: [ValidationProblem] = []
        guard let pack = try? packs.pack(for: jurisdiction) else {
            return try await DashboardPage(packs: packs).page(req: req, newCase: posted, problems: [.init(pointer: "/jurisdiction", message: "unknown jurisdiction")])
        }
        let offset = TimeZone(identifier: pack.timeZone)?.secondsFromGMT(for: Date()) ?? 0
        let opened = (posted.openedAt ?? "").isEmpty ? ZonedDateTime(epochMilliseconds: nowMs(), offsetSeconds: offset).description
            : IncidentForm.instant(posted.openedAt!, offsetSeconds: offset) ?? posted.openedAt!
        var json: [String: Any] = ["openedAt": opened]
        if let number = posted.number, !number.isEmpty { json["number"] = number }
        let body = try LifecycleForms.node(json)
        var header = FieldReader().header(body)
        problems += body.log.problems
        if problems.isEmpty {
            do {
                header!.unit = try req.unitForNewCase(nil, pointer: "/unit")
                let summary = try await CaseStore(db: req.db).create(jurisdiction: jurisdiction, header: header!, by: req.principal)
                try await req.grantToCreator(summary.id)
                return req.redirect(to: "/cases/\(summary.id.apiString)")
            } catch let failure as ValidationFailure {
                problems += failure.problems
            }
        }
        return try await DashboardPage(packs: packs).page(req: req, newCase: posted, problems: problems)
    }

    func grant(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let username = ((try? req.content.decode(Grant.self))?.username ?? "").trimmingCharacters(in: .whitespaces)
        var state = LifecycleForms.State()
        do {
            guard let user = try? await UserStore(db: req.db).find(username: username) else {
                throw ValidationFailure(pointer: "/username", message: "no user \"\(username)\"")
            }
            _ = try await AccessStore(db: req.db).grant(caseID: caseID, to: user, by: try req.principal)
            req.forgetCachedTokens()
            return req.redirect(to: "/cases/\(caseID.apiString)?saved=1#access")
        } catch let failure as ValidationFailure {
            state.grant = LifecycleForms.Values(values: ["username": username], errors: ["username": failure.problems.map(\.message).joined(separator: "; ")], failed: true)
        }
        return try await CasePage(packs: packs).render(req, form: IncidentForm(), status: .unprocessableEntity, saved: false, lifecycle: state)
    }
}
