import Foundation

/// One report from a monitoring device: a position with its accuracy, or a device event. The same
/// value is checked by the engines, stored in the track (with its case) and drawn on the pages.
public struct Ping: Equatable, Sendable, Codable {
    public enum Event: String, Codable, Sendable {
        case strapTamper, lowBattery
        /// Her position when the victim pressed the panic button: stored by Qorgau with her alert,
        /// never sent by a device.
        case panic

        /// An event a device may send, by its word.
        public static func sent(_ word: String) -> Event? {
            guard let event = Event(rawValue: word), event != .panic else { return nil }
            return event
        }
    }

    public var device: String
    public var at: ZonedDateTime
    public var lat: Double?
    public var lon: Double?
    /// Radius of the position's uncertainty, in metres.
    public var accuracy: Double?
    public var event: Event?

    public init(device: String, at: ZonedDateTime, lat: Double? = nil, lon: Double? = nil, accuracy: Double? = nil,
                event: Event? = nil) {
        self.device = device; self.at = at; self.lat = lat; self.lon = lon; self.accuracy = accuracy; self.event = event
    }

    /// What a ping may hold: read here and by the batch reader's fast way alike.
    public static let maxDeviceLength = 200
    public static let latitudes: ClosedRange<Double> = -90...90
    public static let longitudes: ClosedRange<Double> = -180...180
    public static let accuracies: ClosedRange<Double> = 0...100_000

    /// Reads a ping from JSON (`{"device", "at", "lat", "lon", "accuracy"}` or `{"device", "at", "event"}`),
    /// or says what is wrong with it.
    public static func read(_ node: JSONNode) -> Ping? {
        guard node.object() != nil else { return nil }
        let device = node["device"].string(maxLength: maxDeviceLength)
        let at = node["at"].dateTime()
        let event = node["event"].string(required: false).flatMap { word -> Event? in
            guard let event = Event.sent(word) else {
                node["event"].fail("unknown event \"\(word)\" (expected one of: strapTamper, lowBattery)"); return nil
            }
            return event
        }
        var lat: Double?, lon: Double?, accuracy: Double?
        if node["event"].value == nil {
            lat = node["lat"].double(in: latitudes)
            lon = node["lon"].double(in: longitudes)
            accuracy = node["accuracy"].double(required: false, in: accuracies)
        }
        guard let device, let at, node.log.isEmpty else { return nil }
        return Ping(device: device, at: at, lat: lat, lon: lon, accuracy: accuracy, event: event)
    }
}

/// Something an officer must see: the respondent in a zone or near the victim, a silent device,
/// a device event, or the victim's own call for help. Distances and accuracy are stated so the
/// alert can be weighed. The engines raise it, the store keeps it (with its case and what officers
/// did about it), the alert stream and the deliveries say it.
public struct Alert: Equatable, Sendable, Codable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case zone, proximity, silent, tamper, lowBattery
        /// Raised by the victim (the panic button), never by an engine.
        case panic
    }

    public var kind: Kind
    public var order: String?
    public var zone: Int?
    public var device: String
    public var at: ZonedDateTime
    public var distanceMeters: Int?
    public var accuracyMeters: Int?
    /// Where the respondent was, when the alert was raised by her position rather than his (she
    /// came near where he last reported): the alert's time is hers, the place his. Not stored.
    public var lat: Double? = nil
    public var lon: Double? = nil

    public init(kind: Kind, order: String? = nil, zone: Int? = nil, device: String, at: ZonedDateTime, distanceMeters: Int? = nil,
                accuracyMeters: Int? = nil, lat: Double? = nil, lon: Double? = nil) {
        self.kind = kind; self.order = order; self.zone = zone; self.device = device; self.at = at
        self.distanceMeters = distanceMeters; self.accuracyMeters = accuracyMeters; self.lat = lat; self.lon = lon
    }
}

/// A ping the engine would not take, and why.
public struct PingRefusal: Error, Equatable, Sendable, Codable {
    public var device: String
    public var reason: String

    public init(device: String, reason: String) { self.device = device; self.reason = reason }
}
