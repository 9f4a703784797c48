/// The jurisdictions a case may belong to and the UTC offset their legal days are counted in.
/// The law packs carry the full rules; this is what the domain needs without them.
public enum Jurisdictions {
    public static let known: Set<String> = ["KZ", "DE", "GB-EAW"]

    /// IANA time zone of each jurisdiction.
    public static let timeZones: [String: String] = [
        "KZ": "Asia/Almaty", "DE": "Europe/Berlin", "GB-EAW": "Europe/London",
    ]
}
