import Domain

/// Prose written as UTF-8 bytes into one growing block and made a `String` once at the end:
/// appending to a `String` piece by piece costs several times the copying itself, and an
/// assessment's prose is hundreds of pieces (each incident id is one).
///
/// Only whole texts (`String`s, spans of a `TextStore`) and ASCII bytes are ever written, so the
/// bytes are valid UTF-8 by construction and are not validated again when the `String` is made
/// (validating Cyrillic text cost more than writing it); debug builds check it all the same.
///
/// `TextWriter.text` writes into a block on the stack, so a text costs one allocation (its
/// `String`), not two.
struct TextWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Whether `base` is this writer's to free (false while it writes into the stack block).
    private var owned: Bool

    /// Writes into `scratch`, memory the caller keeps alive while the writer lives, until it
    /// outgrows it, then into a block of its own.
    private init(scratch: UnsafeMutableBufferPointer<UInt8>) {
        base = scratch.baseAddress!
        capacity = scratch.count
        owned = false
    }

    deinit { if owned { base.deallocate() } }

    /// The text `body` writes, written into `capacity` bytes on the stack (more if it needs more).
    static func text(capacity: Int, _ body: (inout TextWriter) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(16, capacity)) { scratch in
            var out = TextWriter(scratch: scratch)
            body(&out)
            return out.string()
        }
    }

    /// How many bytes are written: where the next text will start.
    var written: Int { count }

    /// Writes again bytes already written (`start..<start + length`, before `written`).
    mutating func rewrite(from start: Int, length: Int) {
        precondition(start >= 0 && start + length <= count)
        if count + length > capacity { grow(to: count + length) }
        (base + count).update(from: base + start, count: length)
        count += length
    }

    /// The text written so far.
    func string() -> String {
        let bytes = UnsafeBufferPointer(start: base, count: count)
        assert(String(validating: bytes, as: UTF8.self) != nil, "only whole texts and ASCII are written")
        return String(copying: UTF8Span(unchecked: bytes.span))
    }

    @inline(__always)
    mutating func write(_ source: UnsafePointer<UInt8>, count n: Int) {
        if count + n > capacity { grow(to: count + n) }
        (base + count).update(from: source, count: n)
        count += n
    }

    @inline(__always)
    mutating func write(_ span: TextSpan, from store: TextStore) {
        write(store.base + Int(span.start), count: Int(span.count))
    }

    mutating func write(_ string: String) {
        if let done = string.utf8.withContiguousStorageIfAvailable({ write($0) }) { return done }
        var copy = string
        copy.withUTF8 { write($0) }
    }

    @inline(__always)
    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return }
        write(start, count: bytes.count)
    }

    /// One ASCII character.
    @inline(__always)
    mutating func write(byte: UInt8) {
        assert(byte < 0x80, "only ASCII is written byte by byte")
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    /// A non-negative number in decimal digits.
    mutating func write(number: Int) {
        if number < 0 { write(byte: UInt8(ascii: "-")); write(number: -number); return }
        if number >= 10 { write(number: number / 10) }
        write(byte: UInt8(ascii: "0") + UInt8(number % 10))
    }

    /// `YYYY-MM-DD`, as `LocalDate.description` writes it.
    mutating func write(date: LocalDate) {
        if count + 10 > capacity { grow(to: count + 10) }
        func digits(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                base[count + offset + i] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        digits(date.year, 4, at: 0)
        base[count + 4] = UInt8(ascii: "-")
        digits(date.month, 2, at: 5)
        base[count + 7] = UInt8(ascii: "-")
        digits(date.day, 2, at: 8)
        count += 10
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        if owned { base.deallocate() }
        base = grown
        owned = true
        capacity = newCapacity
    }
}
