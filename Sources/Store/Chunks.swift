extension Array {
    /// The array in consecutive pieces of at most `size` elements, for statements that take a
    /// list of values (SQLite takes at most 32,766 values a statement) or that read a bounded
    /// number of rows at a time.
    public func chunks(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
