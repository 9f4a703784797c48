import Domain
import Foundation
import Testing

@Suite struct UUIDTextTests {
    @Test func theTextsAreFoundationsInEachCase() {
        let ids = [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                   UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
            + (0..<1_000).map { _ in UUID() }
        for id in ids {
            #expect(id.upperString == id.uuidString)
            #expect(id.apiString == id.uuidString.lowercased())
            #expect(UUID(uuidString: id.apiString) == id)
        }
    }
}
