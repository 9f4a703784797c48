import Domain
import Foundation
import Store

/// The Qorgau instances that share the monitoring work on one PostgreSQL, as this instance last
/// read them from their leases (`InstanceLeases`). Each case (and so each of its devices) belongs
/// to one live instance, picked by rendezvous hashing: that instance alone holds the case's
/// engine, checks its pings and sweeps its devices. A ping that reaches another instance is
/// forwarded to the owner. When an instance leaves or dies only its own cases move, each to the
/// instance that weighs highest for it among those left; the respondent's and the victim's devices
/// move together because the hash is of the case, which every device names.
public struct MonitoringCluster: Sendable, Equatable {
    public struct Member: Sendable, Hashable, Codable {
        /// Made anew at each start, so an instance restarted is a new member.
        public var id: String
        /// Where the others forward pings to (`QORGAU_INSTANCE_ADDRESS`).
        public var address: String

        public init(id: String, address: String) { self.id = id; self.address = address }
    }

    /// The live instances, this one included while its own lease holds; empty for one instance
    /// on its own (SQLite, or before PostgreSQL was joined).
    public var members: [Member]
    /// This instance's id among them.
    public var selfID: String

    public init(members: [Member], selfID: String) {
        self.members = members.sorted { $0.id < $1.id }
        self.selfID = selfID
    }

    public static let single = MonitoringCluster(members: [], selfID: "")

    package var count: Int { max(1, members.count) }

    /// The instance that owns a case: the member for which the case weighs most, so every
    /// instance that reads the same leases agrees without asking.
    public func owner(of caseID: UUID) -> String {
        guard members.count > 1 else { return members.first?.id ?? selfID }
        let key = caseID.apiString
        var best = members[0].id, bestWeight: UInt64 = 0
        for member in members {
            let weight = Self.weight(member.id, key)
            if weight > bestWeight || (weight == bestWeight && member.id < best) { best = member.id; bestWeight = weight }
        }
        return best
    }

    public func owns(_ caseID: UUID) -> Bool { owner(of: caseID) == selfID }

    package func address(of id: String) -> String? { members.first { $0.id == id }?.address }

    /// FNV-1a of member and case, finished by SplitMix64's mixer: the same number on every machine
    /// and run (Swift's `Hasher` is seeded per process), spread well enough that each member wins
    /// an even share.
    static func weight(_ member: String, _ caseKey: String) -> UInt64 {
        var hash = stableHash(member + "/" + caseKey)
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }

    /// FNV-1a, 64 bits.
    package static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// How this instance takes part among several on one PostgreSQL (`QORGAU_INSTANCE_ADDRESS`,
/// `QORGAU_LEASE_SECONDS`).
public struct InstanceSettings: Sendable, Equatable {
    /// The base address the other instances reach this one at; nil: `http://` the host's name
    /// and the port served on.
    public var address: String?
    /// How long an instance's lease holds without a heartbeat: an instance that stops is
    /// replaced within this and one heartbeat (a fifth of it).
    public var leaseSeconds: Double = 5

    public init(address: String? = nil, leaseSeconds: Double = 5) {
        self.address = address; self.leaseSeconds = leaseSeconds
    }

    package static func fromEnvironment(_ env: [String: String]) throws -> InstanceSettings {
        for retired in ["QORGAU_INSTANCES", "QORGAU_INSTANCE_INDEX"] where env[retired] != nil {
            throw ConfigurationError("\(retired) is no longer read: instances on one PostgreSQL find each other there. Remove it, and set QORGAU_INSTANCE_ADDRESS to the address the others reach this instance at")
        }
        var settings = InstanceSettings()
        if let raw = env["QORGAU_INSTANCE_ADDRESS"] {
            let address = raw.trimmingCharacters(in: .whitespaces)
            guard address.hasPrefix("http://") || address.hasPrefix("https://"), URL(string: address)?.host != nil else {
                throw ConfigurationError("QORGAU_INSTANCE_ADDRESS must be the http(s) address the other instances reach this one at; got \"\(raw)\"")
            }
            settings.address = address.hasSuffix("/") ? String(address.dropLast()) : address
        }
        if let raw = env["QORGAU_LEASE_SECONDS"] {
            guard let seconds = Double(raw), seconds >= 1, seconds <= 60 else {
                throw ConfigurationError("QORGAU_LEASE_SECONDS must be a number of seconds from 1 to 60; got \"\(raw)\"")
            }
            settings.leaseSeconds = seconds
        }
        return settings
    }
}
