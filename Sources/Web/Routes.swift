import Law
import Vapor

/// Every route of the server, in one place. The OpenAPI document must list each of them
/// (a test checks both ways).
func routes(_ app: Application) throws {
    let health = HealthController()
    app.get("health", use: health.check)

    let api = app.grouped("api", "v1")
    api.get("openapi.json", use: OpenAPIController().document)

    let caseFiles = CaseFileController(maxBytes: app.qorgauConfig.maxCaseFileBytes, packs: app.packs)
    api.on(.POST, "case-files", body: .collect(maxSize: ByteCount(value: caseFiles.maxBytes)), use: caseFiles.importFile)

    let reports = ReportController(packs: app.packs)
    api.get("deadlines", use: reports.deadlines)
    api.get("fund", "ledger", use: reports.ledger)
    api.get("respondents", ":iin", use: reports.respondent)

    let cases = api.grouped("cases")
    let caseController = CaseController()
    cases.get(use: caseController.list)
    cases.post(use: caseController.create)

    let oneCase = cases.grouped(":caseID")
    oneCase.get(use: caseController.get)
    oneCase.patch(use: caseController.correct)
    oneCase.get("history", use: caseController.history)
    oneCase.get("case-file", use: caseFiles.export)
    oneCase.get("assessment", use: AssessmentController(packs: app.packs).assess)

    let persons = PersonController()
    oneCase.get("persons", use: persons.list)
    oneCase.post("persons", use: persons.create)
    oneCase.get("persons", ":personID", use: persons.get)
    oneCase.post("persons", ":personID", "corrections", use: persons.correct)
    oneCase.get("persons", ":personID", "history", use: persons.history)

    let orders = OrderController(packs: app.packs)
    oneCase.get("orders", use: orders.list)
    oneCase.post("orders", use: orders.create)
    oneCase.get("orders", ":orderID", use: orders.get)
    oneCase.post("orders", ":orderID", "extensions", use: orders.extend)
    oneCase.post("orders", ":orderID", "revocation", use: orders.revoke)
    oneCase.get("orders", ":orderID", "history", use: orders.history)
    oneCase.get("violations", use: orders.violations)
    oneCase.get("deadlines", use: reports.caseDeadlines)

    let lifecycle = LifecycleController(packs: app.packs)
    oneCase.get("administrative-cases", use: lifecycle.listAdministrative)
    oneCase.post("administrative-cases", use: lifecycle.createAdministrative)
    oneCase.get("proceedings", use: lifecycle.listProceedings)
    oneCase.post("proceedings", use: lifecycle.createProceeding)
    oneCase.post("proceedings", ":ref", "transitions", use: lifecycle.transition)
    oneCase.get("verdicts", use: lifecycle.listVerdicts)
    oneCase.post("verdicts", use: lifecycle.createVerdict)
    oneCase.post("verdicts", ":ref", "payment", use: lifecycle.recordPayment)

    let incidents = IncidentController()
    oneCase.get("incidents", use: incidents.list)
    oneCase.post("incidents", use: incidents.create)
    oneCase.get("incidents", ":incidentID", use: incidents.get)
    oneCase.post("incidents", ":incidentID", "corrections", use: incidents.correct)
    oneCase.get("incidents", ":incidentID", "history", use: incidents.history)
}
