import Domain
import Foundation
import Testing
import TestSupport
@testable import Web

/// The case page's timeline: month ticks that do not crowd, a shape for each kind, each mark a
/// link to its episode's row, today drawn, a legend of what is drawn only.
struct TimelineTests {
    @Test func monthTicksThinOutOverLongerSpans() {
        func ms(_ text: String) -> Int64 { Int64(LocalDate(text)!.daysSinceEpoch) * 86_400_000 }
        #expect(Timeline.months(from: ms("2025-09-20"), to: ms("2025-12-05")).map(\.description) == ["2025-10-01", "2025-11-01", "2025-12-01"])
        #expect(Timeline.months(from: ms("2025-01-15"), to: ms("2026-12-31")).map(\.month).allSatisfy { ($0 - 1) % 3 == 0 })
        #expect(Timeline.months(from: ms("2020-03-01"), to: ms("2026-03-01")).allSatisfy { $0.month == 1 })
    }

    @Test func eachKindHasItsOwnShape() {
        let paths = Set(IncidentKind.allCases.map { Timeline.path(Timeline.shapes[$0]!, 0, 0, 6) })
        #expect(paths.count == IncidentKind.allCases.count)
    }

    @Test func theCasePageDrawsMarksAsLinksWithALegendAndToday() async throws {
        try await withQorgauApp { app in
            let (caseID, _) = try await EvidenceAPITests.caseWithIncident(app)
            let page = try await PageTests.page(app, "/cases/\(caseID)?lang=ru&at=2025-11-20")
            let svg = try #require(page.text.components(separatedBy: #"class="timeline">"#).dropFirst().first?.components(separatedBy: "</svg>").first)
            let links = svg.components(separatedBy: ##"<a href="#incident-"##).dropFirst().map { String($0.prefix { $0 != "\"" }) }
            #expect(!links.isEmpty)
            for id in links { #expect(page.text.contains("<tr id=\"incident-\(id)\""), "the mark of \(id) leads to its row") }
            #expect(svg.contains("сегодня"), "today (the page's day) is drawn, no further from the last episode than the episodes span")
            #expect(page.text.contains(#"<ul class="legend">"#) && page.text.contains("нарушение предписания"))
        }
    }
}

/// Days and moments in problems are written as people write them, not in ISO.
struct ProblemTextTests {
    @Test func daysAndMomentsAreReadable() {
        #expect(ValidationProblem.readable("2027-12-06T09:00:00+05:00") == "06.12.2027 09:00")
        #expect(ValidationProblem.readable("2027-12-06T23:30:00-02:00") == "06.12.2027 23:30", "at its own offset")
        #expect(ValidationProblem.readable("2025-10-20") == "20.10.2025")
        #expect(ValidationProblem.readable("ALM-2025-0141") == "ALM-2025-0141")
        let problem = ValidationProblem(pointer: "/validUntil", message: "", code: .notAfterEnd, values: ["end": "2027-12-06T09:00:00+05:00"])
        #expect(problem.said(in: ["problem_notAfterEnd": "Новый срок должен быть позже нынешнего окончания ({end})."])
                == "Новый срок должен быть позже нынешнего окончания (06.12.2027 09:00).")
    }
}
