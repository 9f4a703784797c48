import Foundation
import Store
import Vapor

/// The Qorgau instances that share the monitoring work on one PostgreSQL. Each case (and so each
/// of its devices) belongs to one instance, picked by a stable hash: that instance alone holds the
/// case's engine, checks its pings and sweeps its devices. A ping that reaches another instance is
/// forwarded to the owner. The respondent's and the victim's devices go to the same instance
/// because proximity compares the two: the hash is of the case, which every device names.
public struct MonitoringCluster: Sendable, Equatable {
    /// Base addresses of every instance, this one included (`QORGAU_INSTANCES`); empty for one instance.
    public var peers: [String]
    /// This instance's place in `peers` (`QORGAU_INSTANCE_INDEX`).
    public var index: Int

    public init(peers: [String], index: Int) { self.peers = peers; self.index = index }

    public static let single = MonitoringCluster(peers: [], index: 0)

    var count: Int { max(1, peers.count) }

    /// The instance that owns a case: FNV-1a of its id, so every instance agrees without asking.
    public func owner(of caseID: UUID) -> Int {
        count == 1 ? 0 : Int(Self.stableHash(caseID.uuidString.lowercased()) % UInt64(count))
    }

    public func owns(_ caseID: UUID) -> Bool { owner(of: caseID) == index }

    /// FNV-1a, 64 bits: the same number on every machine and every run (Swift's `Hasher` is seeded
    /// per process, so it cannot place work across instances).
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Reads `QORGAU_INSTANCES` (comma-separated base addresses) and `QORGAU_INSTANCE_INDEX`.
    static func fromEnvironment(_ env: [String: String]) throws -> MonitoringCluster {
        guard let raw = env["QORGAU_INSTANCES"], !raw.trimmingCharacters(in: .whitespaces).isEmpty else {
            if env["QORGAU_INSTANCE_INDEX"] != nil {
                throw ConfigurationError("QORGAU_INSTANCE_INDEX needs QORGAU_INSTANCES, the addresses of every instance")
            }
            return .single
        }
        let peers = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for peer in peers where !(peer.hasPrefix("http://") || peer.hasPrefix("https://")) || URL(string: peer)?.host == nil {
            throw ConfigurationError("QORGAU_INSTANCES must list http(s) addresses separated by commas; \"\(peer)\" is not one")
        }
        guard let rawIndex = env["QORGAU_INSTANCE_INDEX"], let index = Int(rawIndex), peers.indices.contains(index) else {
            throw ConfigurationError("QORGAU_INSTANCE_INDEX must say which of the \(peers.count) QORGAU_INSTANCES this is, from 0 to \(peers.count - 1); got \"\(env["QORGAU_INSTANCE_INDEX"] ?? "")\"")
        }
        return MonitoringCluster(peers: peers.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }, index: index)
    }
}
