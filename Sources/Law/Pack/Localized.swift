/// A text in the three languages Qorgau speaks.
public struct Localized: Codable, Hashable, Sendable {
    public var ru: String
    public var kk: String
    public var en: String

    public init(ru: String, kk: String, en: String) { self.ru = ru; self.kk = kk; self.en = en }

    public subscript(language: Language) -> String {
        switch language {
        case .ru: ru
        case .kk: kk
        case .en: en
        }
    }
}

public enum Language: String, Codable, CaseIterable, Sendable {
    case ru, kk, en
}
