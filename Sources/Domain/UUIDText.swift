import Foundation

extension UUID {
    /// Ids as Qorgau writes them (the API, the audit chain, the command line): lowercase, as
    /// RFC 9562 recommends.
    public var apiString: String { uuidString.lowercased() }
}
