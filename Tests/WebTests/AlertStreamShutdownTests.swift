import Foundation
import NIOConcurrencyHelpers
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// An officer's alert stream open when the server shuts down: it ends before the databases go
/// (identifying its listener after would crash the process), and it does not tell the officer
/// that her right to the alerts ended.
@Suite struct AlertStreamShutdownTests {
    @Test func anOpenStreamEndsAtShutdownWithoutSendingTheListenerToSignIn() async throws {
        let stream = try await withQorgauApp(.sqliteFile) { app in
            let listener = try await app.makeUser(.officer, unit: Fixtures.unit)
            let listening = await app.monitoring.subscriberCount
            let stream = Task { try await app.request(.GET, "/api/v1/monitoring/alerts/stream", as: listener) }
            _ = try await withinSeconds(8) {
                while await app.monitoring.subscriberCount <= listening { try? await Task.sleep(for: .milliseconds(20)) }
                return true
            }
            return stream // still open as the application shuts down
        }
        let text = try #require(try await withinSeconds(8) { try? await stream.value }, "the stream ended with the application").text
        #expect(!text.contains("event: end"), "a shutdown is not the end of the officer's right: \(text)")
    }

    @Test func shutdownWaitsForTheStreamsToLeaveAndLetsNoNewOneIn() async throws {
        let app = try await Application.make(.testing)
        let streams = AlertStreams(patience: .seconds(30))
        #expect(streams.enter())
        let finished = NIOLockedValueBox(false)
        let shutdown = Task {
            await streams.shutdownAsync(app)
            finished.withLockedValue { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(streams.isClosing)
        #expect(!streams.enter(), "a stream starting now ends at once")
        #expect(!finished.withLockedValue { $0 }, "the open stream may still be reading the databases")
        streams.leave()
        await shutdown.value
        #expect(finished.withLockedValue { $0 })
        try await app.asyncShutdown()
    }

    @Test func shutdownGivesUpOnAStreamThatNeverLeaves() async throws {
        let app = try await Application.make(.testing)
        let streams = AlertStreams(patience: .milliseconds(100))
        #expect(streams.enter())
        let started = ContinuousClock.now
        await streams.shutdownAsync(app)
        // a patience of 0.1 s; the bound is wide because in a full parallel run on two cores the
        // wait's sleeps are resumed late (11.3 s seen): what it catches is a wait with no end
        #expect(ContinuousClock.now - started < .seconds(60))
        try await app.asyncShutdown()
    }

    /// Every request, not only the streams: shutdown waits for those inside before the databases
    /// close, and refuses new ones.
    @Test func shutdownWaitsForTheRequestsInsideAndRefusesNewOnes() async throws {
        struct Slow: AsyncResponder {
            let finished: NIOLockedValueBox<Bool>
            func respond(to request: Request) async throws -> Response {
                try await Task.sleep(for: .milliseconds(300))
                finished.withLockedValue { $0 = true }
                return Response(status: .ok)
            }
        }
        let app = try await Application.make(.testing)
        let inFlight = RequestsInFlight(patience: .seconds(30))
        let finished = NIOLockedValueBox(false)
        let answered = Task { try await inFlight.respond(to: Request(application: app, on: app.eventLoopGroup.next()),
                                                         chainingTo: Slow(finished: finished)).status }
        while inFlight.open == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await inFlight.shutdownAsync(app)
        #expect(finished.withLockedValue { $0 }, "shutdown returned only once the request inside was answered")
        #expect(try await answered.value == .ok)
        await #expect(throws: Abort.self) {
            _ = try await inFlight.respond(to: Request(application: app, on: app.eventLoopGroup.next()), chainingTo: Slow(finished: finished))
        }
        try await app.asyncShutdown()
    }
}
