import Cases
import Fluent
import Law
import Leaf
import LeafKit
import Presentation
import Store
import Vapor

/// Sets up an application: database, migrations, middleware, routes. Tests that bring their own
/// database registration pass `registerDatabase: false`.
public func configure(_ app: Application, _ config: AppConfig, registerDatabase: Bool = true) async throws {
    app.logger.logLevel = config.logLevel
    app.storage[PackLibraryKey.self] = try PackLibrary.loaded() // a malformed pack stops the server here
    app.storage[RiskLibraryKey.self] = try RiskLibrary.loaded() // and so does a malformed risk instrument
    if registerDatabase { try config.database.register(on: app.databases) }
    app.migrations.add(StoreMigrations.all)
    try await config.database.prepare(app.db)
    if config.migrate { try await migrate(app) }
    if case .sqliteFile(let path) = config.database {
        let writer = try SQLiteTrackWriter(path: path)
        await app.storage.setWithAsyncShutdown(TrackWriterKey.self, to: writer, onShutdown: { await $0.close() })
        app.storage[TrackStorageKey.self] = JournalTrack(writer: writer)
    } else {
        app.storage[TrackStorageKey.self] = DriverTrack()
    }

    app.http.server.configuration.hostname = config.host
    app.http.server.configuration.port = config.port
    app.routes.defaultMaxBodySize = ByteCount(value: config.maxBodyBytes)
    if config.idleTimeoutSeconds > 0 { app.http.server.configuration.idleTimeout = .seconds(Int64(config.idleTimeoutSeconds)) }

    _ = OperationsMetrics.registry // metrics from the first request on
    app.middleware = Middlewares()
    app.middleware.use(RequestIDMiddleware()) // first: every log line of the request carries its id
    app.middleware.use(RouteLoggingMiddleware(logLevel: .debug))
    app.middleware.use(SecurityHeadersMiddleware(tilesOrigin: config.tilesURL.flatMap(AppConfig.tilesOrigin))) // outside ProblemMiddleware: errors get the headers too
    app.middleware.use(ProblemMiddleware())
    let inFlight = RequestsInFlight() // inside the problem middleware: its 503 is a problem document
    app.middleware.use(inFlight)
    app.lifecycle.use(inFlight) // after the databases: it shuts down before them
    app.middleware.use(MethodNotAllowedMiddleware())
    app.middleware.use(BodyGuardMiddleware()) // before anything reads a body
    app.middleware.use(CaseChangeMiddleware())
    app.views.use(.leaf)
    if let views = Bundle.module.resourceURL?.appendingPathComponent("Views").path {
        app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions], // not .toVisibleFiles: .build is hidden
                                                      sandboxDirectory: views, viewDirectory: views + "/"))
    }

    ContentConfiguration.global.use(encoder: JSONEncoder.api, for: .json)
    app.storage[AppConfigKey.self] = config
    app.storage[CatalogsKey.self] = try Catalogs.load()
    app.storage[BlobStoreKey.self] = try config.evidence
        ?? BlobStore(directory: NSTemporaryDirectory() + "qorgau-evidence-" + UUID().uuidString, key: .random())
    app.storage[DossierSignerKey.self] = config.dossierSigner ?? .random()
    app.storage[SecretSealerKey.self] = app.blobs.secretSealer
    let auditVerifications = AuditVerificationJobs()
    app.storage[AuditVerificationJobsKey.self] = auditVerifications
    app.lifecycle.use(auditVerifications)
    app.storage[IncidentWriterKey.self] = IncidentWriter(db: app.db)
    app.setUpAccessCaches()
    app.setUpAlertStreams() // after the databases: its streams are closed before them
    app.storage[CaseChangeFollowerKey.self] = CaseChangeFollower(logger: app.logger)
    await app.followChangesInAccessCaches()
    await app.followChangesInMonitoring()
    await app.followChangesInProjections(packs: app.packs)
    await app.storage.setWithAsyncShutdown(SignInLimiterKey.self, to: SignInLimiter(perMinute: config.signInPerMinute),
                                           onShutdown: { await $0.shutdown() })
    let accounts = Accounts(db: app.db, cost: config.bcryptCost, limiter: app.storage[SignInLimiterKey.self])
    Task { await accounts.prepare() }
    try routes(app)
}

/// Brings the schema up to date. Several instances starting at once on one PostgreSQL may race
/// to create the same table; the loser waits and tries again, and then finds nothing to do.
public func migrate(_ app: Application) async throws {
    var attempt = 1
    while true {
        do {
            try await app.autoMigrate()
            try await Projections(db: app.db, packs: app.packs).markBuiltIfEmpty()
            // from here on every write reaches the change listeners (the projections), whoever makes it
            if app.storage[CaseChangeFollowerKey.self] != nil { await app.caseChanges.prime(db: app.db) }
            return
        } catch {
            guard attempt < 5 else { throw error }
            app.logger.warning("migration attempt \(attempt) failed, retrying: \(String(describing: error).prefix(200))")
            try await Task.sleep(for: .milliseconds(200 * attempt))
            attempt += 1
        }
    }
}

struct AppConfigKey: StorageKey { typealias Value = AppConfig }
struct PackLibraryKey: StorageKey { typealias Value = PackLibrary }
struct IncidentWriterKey: StorageKey { typealias Value = IncidentWriter }
struct RiskLibraryKey: StorageKey { typealias Value = RiskLibrary }
struct BlobStoreKey: StorageKey { typealias Value = BlobStore }
struct DossierSignerKey: StorageKey { typealias Value = DossierSigningKey }

extension Application {
    package var qorgauConfig: AppConfig { storage[AppConfigKey.self]! }
    /// The jurisdiction packs loaded at start.
    public var packs: PackLibrary { storage[PackLibraryKey.self]! }
    /// The risk instruments loaded at start.
    public var risk: RiskLibrary { storage[RiskLibraryKey.self]! }
    /// Group commit of new incidents for this application's database.
    public var incidentWriter: IncidentWriter? { storage[IncidentWriterKey.self] }
    /// The evidence files.
    public var blobs: BlobStore { storage[BlobStoreKey.self]! }
    /// The key dossiers are signed with.
    public var dossierSigner: DossierSigningKey { storage[DossierSignerKey.self]! }
}

extension JSONEncoder {
    /// Stable output for API responses.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
