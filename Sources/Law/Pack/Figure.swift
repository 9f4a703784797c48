/// A figure of the law with where it comes from and whether it was checked against the official
/// text. An assessment lists the unverified figures its conclusion rests on.
public struct Figure<Value: Codable & Sendable & Hashable>: Codable, Hashable, Sendable {
    public var value: Value
    public var verified: Bool
    public var source: String
    /// Where the figure comes from when it is not the statute's text ("practice").
    public var basis: String?

    public init(value: Value, verified: Bool, source: String, basis: String? = nil) {
        self.value = value; self.verified = verified; self.source = source; self.basis = basis
    }
}
