import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// Each page as its users receive it, compared with the HTML kept in `Snapshots/`: a change to
/// what a page shows is seen in review. Ids, form tokens and today's date are replaced by
/// placeholders; the assessment is taken at a fixed date (`?at=`). To accept a change, run the
/// tests with QORGAU_RECORD_SNAPSHOTS=1 and review the diff.
@Suite struct PageSnapshotTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func normalized(_ html: String) -> String {
        var text = html
        let rules: [(String, String)] = [
            ("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>"),
            ("name=\"csrf\" value=\"[^\"]*\"", "name=\"csrf\" value=\"<csrf>\""),
            // the history's rows carry the moments the test wrote them (CaseHistoryTests checks them)
            ("(?s)(id=\"history-table\">.*?<tbody>).*?(</tbody>)", "$1<history>$2"),
        ]
        for (pattern, replacement) in rules {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }

    /// Form controls a screen reader could not name: neither a `<label for>` nor inside a `<label>`.
    static func unlabelledControls(_ html: String) -> [String] {
        let control = try! NSRegularExpression(pattern: "<(input|select|textarea)\\b[^>]*>")
        var missing: [String] = []
        for match in control.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let range = Range(match.range, in: html)!
            let tag = String(html[range])
            if tag.contains("type=\"hidden\"") || tag.contains("type=\"submit\"") { continue }
            if let id = tag.firstMatch(of: /id="([^"]+)"/)?.1, html.contains("for=\"\(id)\"") { continue }
            let before = html[..<range.lowerBound]
            let opened = before.range(of: "<label", options: .backwards)?.lowerBound
            let closed = before.range(of: "</label>", options: .backwards)?.lowerBound
            if let opened, closed.map({ $0 < opened }) ?? true { continue }
            missing.append(tag)
        }
        return missing
    }

    func check(_ name: String, _ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == .ok, "\(name): \(response.status)", sourceLocation: sourceLocation)
        #expect(Self.unlabelledControls(response.text) == [], "\(name): every form control has a label", sourceLocation: sourceLocation)
        let html = Self.normalized(response.text)
        let file = Self.folder.appendingPathComponent(name + ".html")
        if ProcessInfo.processInfo.environment["QORGAU_RECORD_SNAPSHOTS"] == "1" || !FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try Data(html.utf8).write(to: file)
            if ProcessInfo.processInfo.environment["QORGAU_RECORD_SNAPSHOTS"] != "1" {
                Issue.record("\(name): no snapshot was kept; one has been written to \(file.path): review it and run again", sourceLocation: sourceLocation)
            }
            return
        }
        let kept = try String(contentsOf: file, encoding: .utf8)
        if kept != html {
            let keptLines = kept.split(separator: "\n", omittingEmptySubsequences: false)
            let newLines = html.split(separator: "\n", omittingEmptySubsequences: false)
            let first = Array(zip(keptLines, newLines)).firstIndex { $0.0 != $0.1 } ?? min(keptLines.count, newLines.count)
            Issue.record("\(name) differs from its snapshot at line \(first + 1):\nkept: \(first < keptLines.count ? keptLines[first] : "")\nnow:  \(first < newLines.count ? newLines[first] : "")",
                         sourceLocation: sourceLocation)
        }
    }

    @Test func theLabelCheckFindsAControlWithoutALabel() {
        #expect(Self.unlabelledControls(#"<label for="a">A</label><input id="a"><input id="b"><label><input type="checkbox"> c</label>"#)
                == [#"<input id="b">"#])
    }

    @Test func everyPageMatchesItsSnapshot() async throws {
        try await withQorgauApp { app in
            let created = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "SNAP-2025-0001"))
            let caseID = try #require(created.json["id"] as? String)
            let victim = try await app.makeUser(.victim, username: "victim.snapshot", cases: [UUID(uuidString: caseID)!])

            try check("login", try await app.request(.GET, "/login?lang=en", anonymous: true))
            try check("dashboard-en", try await app.request(.GET, "/?lang=en&at=2026-03-01"))
            try check("case-ru", try await app.request(.GET, "/cases/\(caseID)?lang=ru&at=2026-03-01"))
            try check("case-en", try await app.request(.GET, "/cases/\(caseID)?lang=en&at=2026-03-01"))
            try check("diary-kk", try await app.request(.GET, "/?lang=kk&at=2026-03-01", as: victim))
            try check("search-en", try await app.request(.GET, "/search?lang=en&q=SNAP-2025"))
        }
    }
}
