/// The jurisdictions a case may belong to when no pack library is at hand (the law packs carry
/// the full rules; the server and the CLI read with the codes of the packs they loaded).
public enum Jurisdictions {
    public static let known: Set<String> = ["KZ", "DE", "GB-EAW"]
}
