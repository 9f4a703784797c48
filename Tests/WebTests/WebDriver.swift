import Foundation
import NIOCore
import Testing
import Vapor

/// A headless Chromium driven through chromedriver's WebDriver protocol (plain JSON over HTTP),
/// for the browser journeys. Screenshots go to `.build/screenshots/` for a person to look at.
final class WebDriver: @unchecked Sendable {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let driver = ["/usr/bin/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { chromium != nil && driver != nil }
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/screenshots")

    private let process = Process()
    private let client: any Client
    private let base: String
    private var session = ""

    /// `window` is "width,height" (a phone: "390,844"); `language` the browser's own.
    init(client: any Client, window: String = "1280,1000", language: String = "en") async throws {
        self.client = client
        // below the kernel's ephemeral ports (32768 up): a connection to a port there that no one
        // listens on may be given that very port as its own and connect to itself
        let port = Int.random(in: 20_000...32_000)
        base = "http://127.0.0.1:\(port)"
        process.executableURL = URL(fileURLWithPath: Self.driver!)
        process.arguments = ["--port=\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if let status = try? await client.send(.GET, to: URI(string: base + "/status"), beforeSend: { $0.timeout = .seconds(2) }),
               status.status == .ok { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": [
            "binary": Self.chromium!,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=\(window)", "--lang=\(language)"],
        ]]]]
        let created = try await call(.POST, "/session", capabilities)
        session = ((created["value"] as? [String: Any])?["sessionId"] as? String) ?? (created["sessionId"] as? String) ?? ""
    }

    /// Ends the browser; a journey whose pages axe found serious or critical problems on fails here.
    func quit() async {
        #expect(accessibilityFindings.isEmpty, "accessibility (axe-core, WCAG 2 A and AA): \(accessibilityFindings)")
        _ = try? await call(.DELETE, "/session/\(session)", nil)
        process.terminate()
        // chromedriver does not always end on SIGTERM: left running, one per test run piles up
        for _ in 0..<20 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @discardableResult
    fileprivate func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        let response = try await client.send(method, to: URI(string: base + path)) { request in
            // a driver or browser that stops answering fails the journey, never hangs the run
            request.timeout = Self.patience
            if let body {
                request.headers.contentType = .json
                request.body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
            }
        }
        let json = response.body.flatMap { try? JSONSerialization.jsonObject(with: Data(buffer: $0)) } as? [String: Any] ?? [:]
        if let value = json["value"] as? [String: Any], let error = value["error"] as? String {
            throw WebDriverError(description: "\(path): \(error): \(value["message"] as? String ?? "")")
        }
        return json
    }

    /// The longest one WebDriver command may take (axe on a page of a loaded machine takes seconds).
    static let patience: TimeAmount = .seconds(90)

    fileprivate var sessionPath: String { "/session/\(session)" }

    func open(_ url: String) async throws { try await call(.POST, sessionPath + "/url", ["url": url]) }

    var currentURL: String { get async throws { try await call(.GET, sessionPath + "/url", nil)["value"] as? String ?? "" } }

    var source: String { get async throws { try await call(.GET, sessionPath + "/source", nil)["value"] as? String ?? "" } }

    /// The element, waiting up to 5 seconds for a page that is still loading.
    /// Whether the page shows `text` within 15 seconds (a page may still be loading after a click,
    /// slowly on a machine running the whole suite).
    func waitFor(_ text: String) async throws -> Bool {
        for _ in 0..<150 {
            if try await source.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func element(_ css: String) async throws -> String {
        var attempt = 0
        while true {
            do {
                let found = try await call(.POST, sessionPath + "/element", ["using": "css selector", "value": css])
                guard let value = found["value"] as? [String: Any], let id = value.values.first as? String else {
                    throw WebDriverError(description: "no element \(css)")
                }
                return id
            } catch let error as WebDriverError {
                attempt += 1
                if attempt >= 50 { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func type(_ css: String, _ text: String) async throws {
        try await retryingStale {
            let id = try await element(css)
            try await call(.POST, sessionPath + "/element/\(id)/clear", [:])
            try await call(.POST, sessionPath + "/element/\(id)/value", ["text": text])
        }
    }

    /// Clicks, and when the click submits a form or follows a link, waits until the next page
    /// has replaced this one (the old page's root goes stale), so the next step finds its elements.
    func click(_ css: String, navigates: Bool = true) async throws {
        let root = try await element("html")
        try await retryingStale { try await call(.POST, sessionPath + "/element/\(try await element(css))/click", [:]) }
        guard navigates else { return }
        for _ in 0..<50 {
            do {
                try await call(.GET, sessionPath + "/element/\(root)/name", nil)
            } catch is WebDriverError {
                return // the old page's root is gone: a new page
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        // no new page within 5 s: the next step's own waits take over
    }

    /// Runs a step again when the page changed under it (an element found on the page that was
    /// just being replaced).
    private func retryingStale(_ step: () async throws -> Void) async throws {
        for attempt in 1...30 {
            do { return try await step() } catch let error as WebDriverError
                        where (error.description.contains("stale") || error.description.contains("does not belong to the document")) && attempt < 30 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Sets a field's value by script (date-time inputs take typed text differently in each locale).
    func set(_ css: String, _ value: String) async throws {
        try await call(.POST, sessionPath + "/execute/sync", ["script": "document.querySelector(arguments[0]).value = arguments[1]", "args": [css, value]])
    }

    /// Runs a script in the page and returns its value.
    @discardableResult
    func run(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await call(.POST, sessionPath + "/execute/sync", ["script": script, "args": args])["value"]
    }

    /// Clicks the monitoring map where a point of the world is drawn, as a person would: the point
    /// put through the page's projection (`data-projection`) and the SVG's place on the screen.
    func clickMap(lat: Double, lon: Double) async throws {
        try await run("""
            var figure = document.querySelector('figure[data-projection]'), svg = figure.querySelector('svg');
            var p = figure.getAttribute('data-projection').split(' ').map(Number), size = 256 * Math.pow(2, p[0]);
            var la = arguments[0] * Math.PI / 180;
            var x = (arguments[1] + 180) / 360 * size - p[1], y = (1 - Math.log(Math.tan(la) + 1 / Math.cos(la)) / Math.PI) / 2 * size - p[2];
            var point = svg.createSVGPoint(); point.x = x; point.y = y;
            var screen = point.matrixTransform(svg.getScreenCTM());
            svg.dispatchEvent(new MouseEvent('click', { clientX: screen.x, clientY: screen.y, bubbles: true }));
            """, [lat, lon])
    }

    /// Presses Tab and returns the id of the element that then has the focus.
    func tab() async throws -> String {
        try await call(.POST, sessionPath + "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": [
            ["type": "keyDown", "value": "\u{E004}"], ["type": "keyUp", "value": "\u{E004}"]]]]])
        return try await call(.POST, sessionPath + "/execute/sync", ["script": "return document.activeElement.id || document.activeElement.name || document.activeElement.tagName", "args": []])["value"] as? String ?? ""
    }

    /// Presses keys one after another (WebDriver key codes: Escape "\u{E00C}", Shift "\u{E008}").
    func press(_ keys: [String]) async throws {
        let actions = keys.flatMap { [["type": "keyDown", "value": $0], ["type": "keyUp", "value": $0]] }
        try await call(.POST, sessionPath + "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
    }

    /// The browser's Back button.
    func back() async throws { try await call(.POST, sessionPath + "/back", [:]) }

    var title: String { get async throws { try await call(.GET, sessionPath + "/title", nil)["value"] as? String ?? "" } }

    /// Waits up to 5 seconds for the address to satisfy `test`.
    func waitForURL(_ test: (String) -> Bool) async throws -> Bool {
        for _ in 0..<50 {
            if test(try await currentURL) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Every page a journey takes a screenshot of is checked by axe too: its findings, by screenshot.
    private(set) var accessibilityFindings: [String] = []

    func screenshot(_ name: String) async throws {
        let problems = try await accessibilityProblems()
        if !problems.isEmpty { accessibilityFindings.append("\(name): \(problems.joined(separator: "; "))") }
        let shot = try await call(.GET, sessionPath + "/screenshot", nil)
        guard let base64 = shot["value"] as? String, let data = Data(base64Encoded: base64) else { return }
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        try data.write(to: Self.screenshots.appendingPathComponent(name + ".png"))
    }
}

extension WebDriver {
    /// Signs `username` in through the sign-in form at `page` (its address, with any language asked for).
    func signIn(at page: String, _ username: String, _ password: String) async throws {
        try await open(page)
        try await type("#username", username)
        try await type("#password", password)
        try await click("form[action=\"/login\"] button[type=submit]")
    }

    /// axe-core's script (`QORGAU_AXE_JS`: `.ci/run` takes it from the PyPI package
    /// axe-selenium-python, which carries it), when there is one.
    static let axeScript: String? = ProcessInfo.processInfo.environment["QORGAU_AXE_JS"].flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }

    /// The page's serious and critical accessibility problems by axe-core's rules (WCAG 2 A and
    /// AA), each as "rule: where"; empty without axe's script.
    func accessibilityProblems() async throws -> [String] {
        guard let axe = Self.axeScript else { return [] }
        try await call(.POST, sessionPath + "/execute/sync", ["script": axe + "; return true;", "args": []])
        let script = """
            var done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}, resultTypes: ['violations']})
              .then(function (r) { done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                .map(function (v) { return v.id + ': ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); })); })
              .catch(function (e) { done(['axe failed: ' + e]); });
            """
        let result = try await call(.POST, sessionPath + "/execute/async", ["script": script, "args": []])
        return result["value"] as? [String] ?? ["axe gave no answer"]
    }
}

struct WebDriverError: Error, CustomStringConvertible { var description: String }
