import Domain
import Monitoring

/// Reads a batch of pings as devices and gateways send them, straight from the bytes, or says
/// nil at the first doubt, leaving the batch to the field reader, which says what is wrong.
///
/// `JSONDecoder` took 5-7 µs a ping here (generic containers, a dictionary of keys per object):
/// at 20,000 pings/s, 15% of the server's busy time. This reads only the plain form: an object
/// holding `"pings"` alone, each ping an object of the six known fields at most once, strings
/// without escapes, numbers as JSON writes them. Anything else (an escape, a null, an unknown
/// field, a second `"pings"`) is a doubt. Numbers are read correctly rounded, as the field
/// reader reads them, and those it could read otherwise (a negative zero, a very long or very
/// small number) are doubts too, so a ping read here is exactly the ping read there
/// (`PingBatchTests` compares the two on generated and hand-made batches).
struct PingScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var at = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func pings(_ data: some Collection<UInt8>) -> [Ping]? {
        data.withContiguousStorageIfAvailable { buffer in
            var scanner = PingScanner(buffer)
            return scanner.batch()
        } ?? Array(data).withUnsafeBufferPointer { buffer in
            var scanner = PingScanner(buffer)
            return scanner.batch()
        }
    }

    private mutating func batch() -> [Ping]? {
        guard take("{"), let key = string(), key == "pings", take(":"), take("[") else { return nil }
        var pings: [Ping] = []
        if !take("]") {
            repeat {
                guard pings.count < PingBatch.limit, let ping = ping() else { return nil }
                pings.append(ping)
            } while take(",")
            guard take("]") else { return nil }
        }
        guard take("}") else { return nil }
        skipSpace()
        return at == bytes.count ? pings : nil
    }

    private mutating func ping() -> Ping? {
        guard take("{") else { return nil }
        var device: String?, time: String?, event: String?
        var lat: Double?, lon: Double?, accuracy: Double?
        repeat {
            guard let key = string(), take(":") else { return nil }
            switch key {
            case "device": guard device == nil, let value = string() else { return nil }; device = value
            case "at": guard time == nil, let value = string() else { return nil }; time = value
            case "event": guard event == nil, let value = string() else { return nil }; event = value
            case "lat": guard lat == nil, let value = number() else { return nil }; lat = value
            case "lon": guard lon == nil, let value = number() else { return nil }; lon = value
            case "accuracy": guard accuracy == nil, let value = number() else { return nil }; accuracy = value
            default: return nil
            }
        } while take(",")
        guard take("}") else { return nil }
        // what `Ping.read` asks of the fields, in the plain cases; the others are its to explain
        guard let device, !device.allSatisfy(\.isWhitespace), device.count <= Ping.maxDeviceLength,
              let time, let when = ZonedDateTime(time) else { return nil }
        if let event {
            guard let kind = Ping.Event.sent(event) else { return nil }
            return Ping(device: device, at: when, event: kind)
        }
        guard let lat, Ping.latitudes.contains(lat), let lon, Ping.longitudes.contains(lon) else { return nil }
        if let accuracy, !Ping.accuracies.contains(accuracy) { return nil }
        return Ping(device: device, at: when, lat: lat, lon: lon, accuracy: accuracy)
    }

    /// A string without escapes or control characters, as valid UTF-8.
    private mutating func string() -> String? {
        guard take("\"") else { return nil }
        let start = at
        var ascii = true
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                defer { at += 1 }
                let text = UnsafeBufferPointer(rebasing: bytes[start..<at])
                return ascii ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            ascii = ascii && byte < 0x80
            at += 1
        }
        return nil
    }

    /// A number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private mutating func number() -> Double? {
        skipSpace()
        let start = at
        func digits() -> Int {
            let from = at
            while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) { at += 1 }
            return at - from
        }
        if peek("-") { at += 1 }
        let leading = at
        guard digits() > 0, bytes[leading] != UInt8(ascii: "0") || at - leading == 1 else { return nil }
        if peek(".") {
            at += 1
            guard digits() > 0 else { return nil }
        }
        if peek("e") || peek("E") {
            at += 1
            if peek("+") || peek("-") { at += 1 }
            guard digits() > 0 else { return nil }
        }
        // The field reader goes through Foundation's decimal numbers (38 digits, exponents to about
        // ±127, no negative zero); a number that could come out otherwise there is a doubt.
        guard at - start <= 32, let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)),
              value.isFinite, value == 0 ? bytes[start] != UInt8(ascii: "-") : abs(value) >= 1e-60
        else { return nil }
        return value
    }

    private func peek(_ ascii: Unicode.Scalar) -> Bool { at < bytes.count && bytes[at] == UInt8(ascii: ascii) }

    /// Takes `ascii` after any white space.
    private mutating func take(_ ascii: Unicode.Scalar) -> Bool {
        skipSpace()
        guard peek(ascii) else { return false }
        at += 1
        return true
    }

    private mutating func skipSpace() {
        while at < bytes.count {
            let byte = bytes[at]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            at += 1
        }
    }
}
