import Foundation
@testable import Store
import Testing

@Suite struct RandomIDTests {
    @Test func randomIDsAreVersionFourOfTheRFCsVariantAndDoNotRepeat() {
        let ids = (0..<10_000).map { _ in UUID.randomV4() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.uuid.6 >> 4 == 4, "version 4")
            #expect(id.uuid.8 >> 6 == 0b10, "RFC 9562 variant")
            #expect(UUID(uuidString: id.uuidString) == id)
        }
        // every other bit is random: each is set in some id and clear in another
        let fixed: Set<Int> = [48, 49, 50, 51, 64, 65]
        for bit in 0..<128 where !fixed.contains(bit) {
            let values = Set(ids.prefix(200).map { withUnsafeBytes(of: $0.uuid) { ($0[bit / 8] >> (7 - bit % 8)) & 1 } })
            #expect(values.count == 2, "bit \(bit)")
        }
    }
}
