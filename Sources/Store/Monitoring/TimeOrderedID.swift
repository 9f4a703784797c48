import Foundation

/// Ids for rows written in great numbers (the track): UUIDs laid out as version 7 (RFC 9562:
/// 48 bits of milliseconds, then random bits), so new rows land at the end of the primary-key
/// index instead of at random places in it.
enum TimeOrderedID {
    /// `count` ids stamped `milliseconds`, in increasing order: random bits drawn once for the
    /// batch, then counted up in the low 61 bits (RFC 9562's monotonic counter, method 2), so a
    /// batch costs one call for randomness and its rows follow one another in the index.
    static func batch(count: Int, at milliseconds: Int64) -> [UUID] {
        var random = SystemRandomNumberGenerator()
        let ms = UInt64(max(0, milliseconds)) & 0xFFFF_FFFF_FFFF
        let high = ms << 16 | 0x7000 | random.next() & 0x0FFF // time, version 7, 12 random bits
        let base = random.next() & 0x1FFF_FFFF_FFFF_FFFF // room to count up without reaching the variant bits
        return (0..<count).map { i in
            let low = 0x8000_0000_0000_0000 | (base &+ UInt64(i)) & 0x3FFF_FFFF_FFFF_FFFF // RFC 4122 variant
            return UUID(uuid: (UInt8(truncatingIfNeeded: high >> 56), UInt8(truncatingIfNeeded: high >> 48),
                               UInt8(truncatingIfNeeded: high >> 40), UInt8(truncatingIfNeeded: high >> 32),
                               UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
                               UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
                               UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48),
                               UInt8(truncatingIfNeeded: low >> 40), UInt8(truncatingIfNeeded: low >> 32),
                               UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
                               UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)))
        }
    }
}

extension TimeOrderedID {
    /// A version-7 id stamped `milliseconds` whose random bits are taken from `source`: the same
    /// inputs give the same id, so whoever knows an alert knows the id of the event that raised it.
    static func derived(at milliseconds: Int64, from source: UUID) -> UUID {
        var bytes = source.uuid
        let ms = UInt64(max(0, milliseconds)) & 0xFFFF_FFFF_FFFF
        withUnsafeMutableBytes(of: &bytes) { raw in
            for i in 0..<6 { raw[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i))) }
            raw[6] = 0x70 | raw[6] & 0x0F
            raw[8] = 0x80 | raw[8] & 0x3F
        }
        return UUID(uuid: bytes)
    }
}
