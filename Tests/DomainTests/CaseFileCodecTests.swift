import Domain
import Foundation
import Testing
import TestSupport

@Suite struct CaseFileCodecTests {
    @Test func encodingThenReadingGivesTheSameFile() throws {
        let reader = CaseFileReader(now: Fixtures.now)
        let file = try reader.read(data: Fixtures.data(Fixtures.caseFileJSON()))
        let encoded = try CaseFileCodec.encode(file)
        let again = try reader.read(data: encoded)
        #expect(again == file)
        #expect(try CaseFileCodec.encode(again) == encoded)
    }

    @Test func keepsTheWrittenOffset() throws {
        let file = try CaseFileReader(now: Fixtures.now).read(data: Fixtures.data(Fixtures.caseFileJSON()))
        let text = String(decoding: try CaseFileCodec.encode(file), as: UTF8.self)
        #expect(text.contains("\"occurredAt\" : \"2025-10-20T19:40:00+05:00\""))
    }
}
