import Domain

/// Fixed texts as UTF-8 bytes in one block of memory, made once per assessor, each referred to
/// by a `TextSpan`: writing one into prose is a plain copy, with no reference counting.
final class TextStore: @unchecked Sendable {
    // Written only while building; read-only once `Builder.make()` returns it.
    let base: UnsafeMutablePointer<UInt8>
    let count: Int

    fileprivate init(_ bytes: [UInt8]) {
        count = bytes.count
        base = .allocate(capacity: max(1, count))
        bytes.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress!, count: count) }
    }

    deinit { base.deallocate() }

    /// Collects texts, then freezes them into a store.
    struct Builder {
        private var bytes: [UInt8] = []

        mutating func add(_ text: String) -> TextSpan {
            let span = TextSpan(start: Int32(bytes.count), count: Int32(text.utf8.count))
            bytes.append(contentsOf: text.utf8)
            return span
        }

        func make() -> TextStore { TextStore(bytes) }
    }
}

/// Where a text lies in a `TextStore`.
struct TextSpan: Sendable {
    let start: Int32
    let count: Int32
}
