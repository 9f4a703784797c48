import Foundation

extension UUID {
    /// A random id (version 4) from the system's generator (`getrandom`). `UUID()` on Linux opens
    /// /dev/urandom for every id: an import makes millions (each row and each audit record), and
    /// those opens were a twentieth of its time.
    static func randomV4() -> UUID {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = 0x40 | raw[6] & 0x0F // version 4
            raw[8] = 0x80 | raw[8] & 0x3F // RFC 9562 variant
            return UUID(uuid: raw.load(as: uuid_t.self))
        }
    }
}
