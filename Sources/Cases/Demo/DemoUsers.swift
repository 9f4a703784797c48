import Domain
import Fluent
import Foundation
import Store

extension Demo {
    /// The demo's password, the same for every demo account: the demo is for trying Qorgau out,
    /// never for real cases.
    public static let password = "qorgau-demo-2025"

    public struct DemoUser: Sendable {
        public var username: String
        public var role: Role
        public var unit: String?
        /// The case numbers granted to the user.
        public var cases: [String]
    }

    /// One account of each role, each seeing the demo cases its role should.
    public static let users: [DemoUser] = [
        .init(username: "officer.bostandyk", role: .officer, unit: "Almaty, Bostandyk district police", cases: []),
        .init(username: "officer.karaganda", role: .officer, unit: "Karaganda, city police department", cases: []),
        .init(username: "victim.aigerim", role: .victim, unit: nil, cases: ["ALM-2025-0141"]),
        .init(username: "investigator.almaty", role: .investigator, unit: "Almaty police department", cases: ["ALM-2025-0141"]),
        .init(username: "judge.shymkent", role: .judge, unit: "Al-Farabi district court of Shymkent", cases: ["SHM-2025-0219"]),
        .init(username: "fund.officer", role: .fundOfficer, unit: nil, cases: []),
        .init(username: "admin.demo", role: .administrator, unit: nil, cases: []),
        .init(username: "auditor.demo", role: .auditor, unit: nil, cases: []),
        .init(username: "gateway.demo", role: .gateway, unit: nil, cases: []),
    ]

    /// Makes the demo accounts that are not there yet; returns the names of those made.
    public static func loadUsers(into db: any Database, bcryptCost: Int) async throws -> [String] {
        var made: [String] = []
        try await DemoUnits.load(into: db)
        let accounts = Accounts(db: db, cost: bcryptCost)
        for demo in users {
            if (try? await UserStore(db: db).find(username: demo.username)) != nil { continue }
            let (user, _) = try await accounts.create(username: demo.username, displayName: demo.username, role: demo.role,
                                                      unit: demo.unit, password: password, by: "demo")
            for number in demo.cases {
                guard let found = try? await CaseStore(db: db).find(idOrNumber: number, scope: .all) else { continue }
                try await AccessStore(db: db).grant(caseID: found.id, to: user, by: .commandLine)
            }
            made.append(demo.username)
        }
        return made
    }
}
