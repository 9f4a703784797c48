import Domain
import Law
import Vapor

/// Every route of the server, in one place, each with the permission it needs. The OpenAPI
/// document must list each API route (a test checks both ways), and the authorization matrix
/// test must have a rule for each.
func routes(_ app: Application) throws {
    // Public: no principal.
    let health = HealthController()
    app.get("health", use: health.check)
    let publicAPI = app.grouped("api", "v1")
    publicAPI.get("openapi.json", use: OpenAPIController().document)
    publicAPI.get("dossier-key", use: DossierController.publishedKey)
    let auth = AuthController()
    publicAPI.post("auth", "tokens", use: auth.createToken)
    publicAPI.post("auth", "password", use: auth.changePassword)
    let pages = SignInPages()
    app.get("login", use: pages.signInForm)
    app.post("login", use: pages.signIn)

    // Web pages: a session; an anonymous visitor is sent to the sign-in page.
    let web = app.grouped(AuthenticationMiddleware(redirectsToSignIn: true), AuthorizationMiddleware())
    let dashboard = DashboardPage(packs: app.packs), casePage = CasePage(packs: app.packs)
    web.get(use: dashboard.page).requires(.ownAccount).auditsRead("dashboard")
    web.get("search", use: SearchPage().page).requires(.readCase).auditsRead("search")
    web.get("cases", ":caseID", use: casePage.page).requires(.readCaseRecords).auditsRead("casePage")
    web.on(.POST, "cases", ":caseID", "incidents", body: .collect(maxSize: ByteCount(value: AuthorizationMiddleware.maxFormBytes)), use: casePage.logIncident).requires(.logIncident)
        .acceptsMultipart()
    let caseForms = CaseForms(packs: app.packs)
    web.post("cases", use: caseForms.open).requires(.editCase)
    web.post("cases", ":caseID", "access", use: caseForms.grant).requires(.manageCaseAccess)
    let lifecycleForms = LifecycleForms(packs: app.packs)
    web.post("cases", ":caseID", "proceedings", use: lifecycleForms.registerProceeding).requires(.manageProceedings)
    web.post("cases", ":caseID", "orders", use: lifecycleForms.issueOrder).requires(.manageOrders)
    web.post("cases", ":caseID", "administrative-cases", use: lifecycleForms.addAdministrativeCase).requires(.manageOrders)
    web.post("cases", ":caseID", "court", use: lifecycleForms.sendToCourt).requires(.manageProceedings)
    web.post("cases", ":caseID", "verdicts", use: lifecycleForms.recordVerdict).requires(.recordVerdict)
    web.post("logout", use: pages.signOut).requires(.ownAccount)
    web.get("password", use: pages.passwordForm).requires(.ownAccount)
    web.post("password", use: pages.changePassword).requires(.ownAccount)
    web.post("tokens", ":tokenID", "revoke", use: pages.revokeToken).requires(.ownAccount)

    // The API: a bearer token (or a session with its CSRF token); anonymous gets 401.
    let api = app.grouped("api", "v1").grouped(AuthenticationMiddleware(), AuthorizationMiddleware())
    api.get("auth", "me", use: auth.me).requires(.ownAccount)
    api.get("auth", "tokens", use: auth.listTokens).requires(.ownAccount)
    api.delete("auth", "tokens", ":tokenID", use: auth.revokeToken).requires(.ownAccount)

    let users = UserController()
    api.get("users", use: users.list).requires(.manageUsers)
    api.post("users", use: users.create).requires(.manageUsers)
    api.get("users", ":userID", use: users.get).requires(.manageUsers)
    api.patch("users", ":userID", use: users.update).requires(.manageUsers)
    api.post("users", ":userID", "password-reset", use: users.resetPassword).requires(.manageUsers)
    api.get("audit", use: AuditController().list).requires(.readAudit)

    let caseFiles = CaseFileController(maxBytes: app.qorgauConfig.maxCaseFileBytes, packs: app.packs)
    api.on(.POST, "case-files", body: .collect(maxSize: ByteCount(value: caseFiles.maxBytes)), use: caseFiles.importFile)
        .requires(.importCaseFiles)

    let reports = ReportController(packs: app.packs)
    api.get("deadlines", use: reports.deadlines).requires(.readReports).auditsRead("deadlines")
    api.get("fund", "ledger", use: reports.ledger).requires(.readFundLedger)
    api.get("fund", "ledger.csv", use: reports.ledgerCSV).requires(.readFundLedger).auditsRead("fundLedgerExport")
    api.get("respondents", ":iin", use: reports.respondent).requires(.readReports).auditsRead("respondent")

    let cases = api.grouped("cases")
    let caseController = CaseController()
    cases.get(use: caseController.list).requires(.readCase)
    cases.post(use: caseController.create).requires(.editCase)

    let oneCase = cases.grouped(":caseID")
    oneCase.get(use: caseController.get).requires(.readCase).auditsRead("case")
    oneCase.patch(use: caseController.correct).requires(.editCase)
    oneCase.get("history", use: caseController.history).requires(.readCaseRecords)
    oneCase.get("case-file", use: caseFiles.export).requires(.readCaseRecords).auditsRead("caseFile")
    oneCase.get("assessment", use: AssessmentController(packs: app.packs).assess).requires(.readCaseRecords)
    oneCase.get("dossier", use: DossierController(packs: app.packs).page).requires(.readCaseRecords).auditsRead("dossier")

    let access = AccessController()
    oneCase.get("access", use: access.list).requires(.manageCaseAccess)
    oneCase.post("access", use: access.grant).requires(.manageCaseAccess)
    oneCase.delete("access", ":userID", use: access.withdraw).requires(.manageCaseAccess)

    let persons = PersonController()
    oneCase.get("persons", use: persons.list).requires(.readCase).auditsRead("persons")
    oneCase.post("persons", use: persons.create).requires(.editCase)
    oneCase.get("persons", ":personID", use: persons.get).requires(.readCase).auditsRead("person")
    oneCase.post("persons", ":personID", "corrections", use: persons.correct).requires(.editCase)
    oneCase.get("persons", ":personID", "history", use: persons.history).requires(.readCaseRecords)
        .auditsRead("personHistory")

    let orders = OrderController(packs: app.packs)
    oneCase.get("orders", use: orders.list).requires(.readCase).auditsRead("orders")
    oneCase.post("orders", use: orders.create).requires(.manageOrders)
    oneCase.get("orders", ":orderID", use: orders.get).requires(.readCase).auditsRead("order")
    oneCase.post("orders", ":orderID", "extensions", use: orders.extend).requires(.manageOrders)
    oneCase.post("orders", ":orderID", "revocation", use: orders.revoke).requires(.manageOrders)
    oneCase.get("orders", ":orderID", "history", use: orders.history).requires(.readCaseRecords)
        .auditsRead("orderHistory")
    oneCase.get("violations", use: orders.violations).requires(.readCase)
    oneCase.get("deadlines", use: reports.caseDeadlines).requires(.readCaseRecords)

    let lifecycle = LifecycleController(packs: app.packs)
    oneCase.get("administrative-cases", use: lifecycle.listAdministrative).requires(.readCaseRecords)
    oneCase.post("administrative-cases", use: lifecycle.createAdministrative).requires(.manageOrders)
    oneCase.get("proceedings", use: lifecycle.listProceedings).requires(.readCaseRecords)
    oneCase.post("proceedings", use: lifecycle.createProceeding).requires(.manageProceedings)
    oneCase.post("proceedings", ":ref", "transitions", use: lifecycle.transition).requires(.manageProceedings)
    oneCase.get("verdicts", use: lifecycle.listVerdicts).requires(.readCaseRecords)
    oneCase.post("verdicts", use: lifecycle.createVerdict).requires(.recordVerdict)
    oneCase.post("verdicts", ":ref", "payment", use: lifecycle.recordPayment).requires(.recordPayment)

    let risk = RiskController(packs: app.packs, risk: app.risk)
    api.get("risk", "instruments", use: risk.instruments).requires(.readReports)
    oneCase.get("risk", use: risk.status).requires(.readCaseRecords)
    oneCase.get("risk-assessments", use: risk.list).requires(.readCaseRecords)
    oneCase.post("risk-assessments", use: risk.create).requires(.assessRisk)

    let monitoring = MonitoringController()
    api.post("monitoring", "pings", use: monitoring.ingest).requires(.ingestPings).followsChangesLater()
    api.webSocket("monitoring", "pings", "socket", maxFrameSize: .init(integerLiteral: PingSocket.maxMessageBytes),
                  onUpgrade: PingSocket.serve).requires(.ingestPings)
    api.get("monitoring", "alerts", "stream", use: monitoring.stream).requires(.handleAlerts).auditsRead("alertStream")
    oneCase.get("alerts", use: monitoring.list).requires(.readCaseRecords).auditsRead("alerts")
    oneCase.post("alerts", ":alertID", "acknowledgement", use: monitoring.acknowledge).requires(.handleAlerts)

    let evidence = EvidenceController()
    oneCase.on(.POST, "incidents", ":incidentID", "evidence", body: .stream, use: evidence.upload)
        .requires(.logIncident).checksCSRFInForm().acceptsMultipart()
    oneCase.get("evidence", use: evidence.list).requires(.readCase)
    oneCase.get("evidence", ":evidenceID", use: evidence.get).requires(.readCase)
    oneCase.get("evidence", ":evidenceID", "content", use: evidence.content).requires(.readCase)
    oneCase.get("evidence", ":evidenceID", "custody", use: evidence.custody).requires(.readCaseRecords)

    let incidents = IncidentController()
    oneCase.get("incidents", use: incidents.list).requires(.readCase).auditsRead("incidents")
    oneCase.post("incidents", use: incidents.create).requires(.logIncident).followsChangesLater()
    oneCase.get("incidents", ":incidentID", use: incidents.get).requires(.readCase).auditsRead("incident")
    oneCase.post("incidents", ":incidentID", "corrections", use: incidents.correct).requires(.editCase)
    oneCase.get("incidents", ":incidentID", "history", use: incidents.history).requires(.readCaseRecords)
        .auditsRead("incidentHistory")
}
