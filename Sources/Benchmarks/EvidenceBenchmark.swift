import AsyncHTTPClient
import Cases
import Domain
import Fluent
import Foundation
import NIOCore
import Store
import Vapor
import Web

/// `qorgau bench evidence`: a large file uploaded through the API on loopback (multipart, sealed
/// into the store, recorded) against `sha256sum` plus `cp` of the same file in the same run; the
/// process's peak memory before and after the upload; and `audit verify` over a log of many records.
public struct EvidenceBenchmark: Sendable {
    public var megabytes: Int
    public var records: Int

    public init(megabytes: Int = 512, records: Int = 1_000_000) { self.megabytes = megabytes; self.records = records }

    public struct Result: Sendable, Codable {
        public var fileMegabytes: Int
        public var uploadSeconds: Double
        public var hashPlusCopySeconds: Double
        /// Upload speed divided by hash-plus-copy speed (the goal: 0.5 or more).
        public var ratio: Double
        public var peakRSSBeforeMB: Double
        public var peakRSSAfterMB: Double
        public var auditRecords: Int
        public var auditFillSeconds: Double
        public var auditVerifySeconds: Double
    }

    public func run() async throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qorgau-bench-evidence-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = folder + "/sample.jpg"
        try Self.makeFile(source, megabytes: megabytes)

        let started = Date()
        for command in [["sha256sum", source], ["cp", source, folder + "/copy.jpg"]] { try Self.runProcess(command) }
        let peer = Date().timeIntervalSince(started)
        try? FileManager.default.removeItem(atPath: folder + "/copy.jpg")

        let app = try await Application.make(Environment(name: "production", arguments: ["qorgau"]))
        do {
            var config = AppConfig(host: "127.0.0.1", port: 0, database: .sqliteFile(folder + "/bench.sqlite"), logLevel: .warning)
            config.evidence = try BlobStore(directory: folder + "/evidence", key: .random())
            config.maxEvidenceBytes = Int64(megabytes + 1) << 20
            try await configure(app, config)
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let before = Self.peakRSSMegabytes()
            let upload = try await uploadSeconds(app, source: source)
            let after = Self.peakRSSMegabytes()
            await app.server.shutdown()
            let (fill, verify) = try await auditSeconds(app.db)
            try await app.asyncShutdown()
            return Result(fileMegabytes: megabytes, uploadSeconds: upload, hashPlusCopySeconds: peer, ratio: peer / upload,
                          peakRSSBeforeMB: before, peakRSSAfterMB: after, auditRecords: records,
                          auditFillSeconds: fill, auditVerifySeconds: verify)
        } catch {
            await app.server.shutdown()
            try? await app.asyncShutdown()
            throw error
        }
    }

    private func uploadSeconds(_ app: Application, source: String) async throws -> Double {
        guard let port = app.http.server.shared.localAddress?.port else { throw ConfigurationError("server did not bind") }
        var header = CaseHeader(openedAt: ZonedDateTime("2025-10-01T09:00:00+05:00")!)
        header.unit = "Benchmark unit"
        let summary = try await CaseStore(db: app.db).create(jurisdiction: "KZ", header: header, by: .commandLine)
        let officer = try await Accounts(db: app.db, cost: 4).create(
            username: "bench.evidence", displayName: "Benchmark", role: .officer, unit: "Benchmark unit",
            password: "benchmark passphrase", by: "bench").0
        let principal = try await AccessStore(db: app.db).principal(for: officer)
        let incident = Incident(id: "", occurredAt: ZonedDateTime("2025-10-05T19:00:00+05:00")!, kind: .contact, channel: .sms,
                                description: "benchmark", againstWill: true, violence: false, reportedBy: .victim, impact: [.fear])
        let stored = try await IncidentStore(db: app.db).add(incident, to: summary.id, by: principal)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let token = try await TokenStore(db: app.db).create(for: officer.id, name: "bench", mayWrite: true,
                                                            expiresAt: now + 3_600_000, now: now).secret
        let boundary = "qorgau-bench-boundary"
        let head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"sample.jpg\"\r\n\r\n"
        let tail = "\r\n--\(boundary)--\r\n"
        let size = try FileManager.default.attributesOfItem(atPath: source)[.size] as? Int ?? 0
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/cases/\(summary.id.apiString)/incidents/\(stored.id.apiString)/evidence")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        // Read a chunk only when the client asks for the next: the client holds 1 MiB at a time.
        guard let handle = FileHandle(forReadingAtPath: source) else { throw ConfigurationError("cannot read \(source)") }
        defer { try? handle.close() }
        let reader = ChunkReader(handle: handle, head: head, tail: tail)
        let chunks = AsyncThrowingStream<ByteBuffer, any Error>(unfolding: { try reader.next() })
        request.body = .stream(chunks, length: .known(Int64(head.utf8.count + size + tail.utf8.count)))
        let started = Date()
        let response = try await app.http.client.shared.execute(request, timeout: .seconds(600))
        let body = try await response.body.collect(upTo: 1 << 20)
        let seconds = Date().timeIntervalSince(started)
        guard response.status == .created else {
            throw ConfigurationError("upload answered \(response.status.code): \(String(buffer: body))")
        }
        return seconds
    }

    /// Fills the log with `records` records, then verifies it: (fill seconds, verify seconds).
    private func auditSeconds(_ db: any Database) async throws -> (Double, Double) {
        let audit = AuditStore(db: db)
        let started = Date()
        var written = 0
        while written < records {
            let count = min(10_000, records - written)
            try await audit.append((0..<count).map { n in
                AuditEntry(actor: "bench", action: "read.persons", caseID: UUID(), target: "GET /api/v1/cases/:caseID/persons",
                           detail: "record \(written + n)")
            })
            written += count
        }
        let filled = Date()
        let report = try await AuditVerifier(db: db, blobs: nil).verify()
        guard report.intact, report.records >= Int64(records) else { throw ConfigurationError("the benchmark's log did not verify: \(report.problems)") }
        return (filled.timeIntervalSince(started), Date().timeIntervalSince(filled))
    }

    /// A JPEG-headed file of pseudo-random bytes (incompressible, as photos and video are).
    static func makeFile(_ path: String, megabytes: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ConfigurationError("cannot write \(path)")
        }
        defer { try? handle.close() }
        var state = UInt64.random(in: 1...UInt64.max) // xorshift64*: fast, and incompressible enough
        for index in 0..<megabytes {
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            chunk.withUnsafeMutableBytes { raw in
                let words = raw.bindMemory(to: UInt64.self)
                for i in words.indices {
                    state ^= state >> 12; state ^= state << 25; state ^= state >> 27
                    words[i] = state &* 0x2545F4914F6CDD1D
                }
            }
            if index == 0 { chunk.replaceSubrange(0..<4, with: [0xFF, 0xD8, 0xFF, 0xE0]) }
            try handle.write(contentsOf: chunk)
        }
    }

    static func runProcess(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ConfigurationError("\(arguments[0]) failed") }
    }

    /// The process's peak resident memory so far (VmHWM), in MiB.
    static func peakRSSMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}

/// The multipart body of the benchmark's upload, read from the file as the client sends it.
private final class ChunkReader: @unchecked Sendable {
    private let handle: FileHandle
    private var head: String?
    private var tail: String?

    init(handle: FileHandle, head: String, tail: String) { self.handle = handle; self.head = head; self.tail = tail }

    func next() throws -> ByteBuffer? {
        if let text = head { head = nil; return ByteBuffer(string: text) }
        if let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { return ByteBuffer(data: data) }
        if let text = tail { tail = nil; return ByteBuffer(string: text) }
        return nil
    }
}
