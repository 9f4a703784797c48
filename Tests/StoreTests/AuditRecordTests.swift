import Foundation
import Store
import Testing

@Suite struct AuditRecordTests {
    /// The canonical text is a contract with anyone who checks a chain outside Qorgau: this
    /// record must always give exactly this text.
    @Test func theCanonicalTextOfARecordNeverChanges() {
        let record = AuditRecord(seq: 7, id: UUID(uuidString: "6F1E8C3A-0B6D-4E2B-9C1D-2A3B4C5D6E7F")!, at: 1_764_300_000_000,
                                 actor: "officer \"A\"\n", action: "incident.logged", entity: "incidents", entityID: "x",
                                 caseID: nil, recordHash: "ab", target: nil, detail: "Айгерим\u{1}",
                                 prev: AuditRecord.genesis, hash: "")
        #expect(record.canonicalJSON == #"{"action":"incident.logged","actor":"officer \"A\"\n","at":1764300000000,"detail":"Айгерим\u0001","entity":"incidents","entityID":"x","id":"6f1e8c3a-0b6d-4e2b-9c1d-2a3b4c5d6e7f","prev":"0000000000000000000000000000000000000000000000000000000000000000","recordHash":"ab","seq":7}"#)
        #expect(record.computedHash.count == 64)
    }
}
