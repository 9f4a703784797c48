import Fluent
import Foundation
import Testing
@testable import Store

/// The rows whose fields are listed by hand hash to the very bytes Fluent's own encoding gives,
/// with every field set and with every optional field nil, and list exactly Fluent's columns: a
/// field added to a model and not to its list fails here (its hash would not cover it, its insert
/// would leave it out).
@Suite struct ListedRowTests {
    private static func fluentJSON<M: Model>(_ model: M) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(model), as: UTF8.self)
    }

    private static func expectSame<M: ListedRow>(_ model: M, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let listed = String(decoding: ListedJSON.bytes(model.listedFields), as: UTF8.self)
        #expect(listed == (try fluentJSON(model)), sourceLocation: sourceLocation)
        #expect(try RowHash.of(model) == SHA256Hex.of(Data(try fluentJSON(model).utf8)), sourceLocation: sourceLocation)
        #expect(model.listedFields.map(\.column).sorted() == M.keys.map(\.description).sorted(), sourceLocation: sourceLocation)
    }

    static let text = "Әйгерім \"Ая\" / C:\\ \n\t\u{1}ё 😀" + String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) })
    static let caseID = UUID()

    @Test func aCase() throws {
        let model = CaseModel()
        model.id = UUID(); model.number = Self.text; model.jurisdiction = "KZ"; model.openedAt = 1_764_000_000_123
        model.openedOffset = 18_000; model.unit = "Unit 7"; model.status = "open"; model.createdAt = -5; model.riskAssessments = "[{}]"
        model.version = 3
        try Self.expectSame(model)
        model.number = nil; model.unit = nil; model.riskAssessments = nil
        try Self.expectSame(model)
    }

    @Test func aPersonAndAPlace() throws {
        let person = PersonModel()
        person.id = UUID(); person.$case.id = Self.caseID; person.ref = "p1"; person.seq = 0; person.role = "victim"
        person.name = Self.text; person.birthDate = "1990-01-02"; person.iin = "900102400123"; person.relationship = "former spouse"
        person.createdAt = 1_764_000_000_000; person.version = 1
        try Self.expectSame(person)
        person.birthDate = nil; person.iin = nil; person.relationship = nil
        try Self.expectSame(person)

        let place = PlaceModel()
        place.id = UUID(); place.$person.id = person.id!; place.seq = 2; place.kind = "home"; place.text = Self.text
        place.lat = 43.238949; place.lon = 76.945465; place.validFrom = "2025-01-01"; place.validUntil = "2026-01-01"
        try Self.expectSame(place)
        place.lat = 0.1 + 0.2; place.lon = -1e-7
        try Self.expectSame(place)
        var g = SystemRandomNumberGenerator()
        for _ in 0..<300 { // doubles of every size, as JSONEncoder writes them either way
            place.lat = Double.random(in: -90...90, using: &g) * pow(10, Double(Int.random(in: -12...12, using: &g)))
            place.lon = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &g) & 0x7fef_ffff_ffff_ffff)
            try Self.expectSame(place)
        }
        place.text = nil; place.lat = nil; place.lon = nil; place.validFrom = nil; place.validUntil = nil
        try Self.expectSame(place)
    }

    @Test func anIncident() throws {
        let model = IncidentModel()
        model.id = UUID(); model.$case.id = Self.caseID; model.ref = "i-1"; model.version = 2; model.occurredAt = 1_764_000_000_000
        model.occurredOffset = 18_000; model.kind = "threat"; model.channel = "inPerson"; model.placeText = Self.text
        model.placeLat = 51.1694; model.placeLon = 71.4491; model.description = Self.text; model.againstWill = true
        model.violence = false; model.reportedBy = "victim"; model.impact = #"["fear"]"#; model.witnesses = #"["Аня"]"#
        model.evidence = #"[{"sha256":"ab"}]"#; model.recordedAt = 1; model.updatedAt = 2; model.versionBy = "cli"
        model.versionReason = "typo"
        try Self.expectSame(model)
        model.placeText = nil; model.placeLat = nil; model.placeLon = nil; model.witnesses = nil; model.evidence = nil
        model.versionReason = nil
        try Self.expectSame(model)
    }

    @Test func anOrderAndARecord() throws {
        let order = ProtectiveOrderModel()
        order.id = UUID(); order.$case.id = Self.caseID; order.ref = "o1"; order.seq = 0; order.type = "protectiveOrder"
        order.issuedAt = 10; order.issuedOffset = 18_000; order.validUntil = 20; order.validUntilOffset = 21_600
        order.issuer = Self.text; order.conditions = #"{"noContact":true}"#; order.revokedAt = 15; order.revokedOffset = 0
        order.version = 4
        try Self.expectSame(order)
        order.revokedAt = nil; order.revokedOffset = nil
        try Self.expectSame(order)

        let record = CaseRecordModel()
        record.id = UUID(); record.$case.id = Self.caseID; record.section = "verdicts"; record.ref = "d1"; record.seq = 1
        record.body = #"{"id":"d1","court":"Алматы"}"#; record.version = 1
        try Self.expectSame(record)
    }

    @Test func anAlert() throws {
        let alert = AlertModel()
        alert.id = UUID(); alert.caseID = Self.caseID; alert.kind = "zoneBreach"; alert.order = "o1"; alert.zone = 0
        alert.device = "bracelet-1"; alert.at = 1_764_000_000_000; alert.offset = 18_000; alert.distance = 120; alert.accuracy = 8
        alert.incident = "i-9"; alert.createdAt = 1_764_000_000_001; alert.acknowledgedAt = 1_764_000_000_500
        alert.acknowledgedBy = "officer"; alert.escalatedAt = 1_764_000_001_000
        try Self.expectSame(alert)
        alert.order = nil; alert.zone = nil; alert.distance = nil; alert.accuracy = nil; alert.incident = nil
        alert.acknowledgedAt = nil; alert.acknowledgedBy = nil; alert.escalatedAt = nil
        try Self.expectSame(alert)
    }
}
