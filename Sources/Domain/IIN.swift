/// Kazakhstan's individual identification number (ИИН): 12 digits, `YYMMDD` birth date, a century
/// and sex digit, a serial, and a check digit computed with two weight sequences modulo 11.
public struct IIN: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case notTwelveDigits
        case badCenturyDigit(Character)
        case badBirthDate
        case badCheckDigit(expected: Int?, found: Int)

        public var description: String {
            switch self {
            case .notTwelveDigits: "an IIN has exactly 12 digits"
            case .badCenturyDigit(let c): "the 7th digit of an IIN gives the century and sex and must be 1-6, not \(c)"
            case .badBirthDate: "the first 6 digits of an IIN must be a real birth date (YYMMDD)"
            case .badCheckDigit(let expected?, let found):
                "check digit is \(found) but the first 11 digits give \(expected): the IIN is mistyped"
            case .badCheckDigit(nil, _): "no valid check digit exists for these first 11 digits: the IIN is mistyped"
            }
        }
    }

    public init(_ text: String) throws(Problem) {
        let values = text.compactMap(\.wholeNumberValue)
        guard text.count == 12, values.count == 12, text.allSatisfy(\.isASCII) else { throw .notTwelveDigits }
        let centuryDigit = values[6]
        guard (1...6).contains(centuryDigit) else { throw .badCenturyDigit(Array(text)[6]) }
        guard IIN.birthDate(values) != nil else { throw .badBirthDate }
        let expected = IIN.checkDigit(values)
        guard expected == values[11] else { throw .badCheckDigit(expected: expected, found: values[11]) }
        digits = text
    }

    public var description: String { digits }

    /// The birth date the IIN encodes.
    public var birthDate: LocalDate { IIN.birthDate(digits.compactMap(\.wholeNumberValue))! }

    static func birthDate(_ d: [Int]) -> LocalDate? {
        let century = [1800, 1800, 1900, 1900, 2000, 2000][d[6] - 1]
        return LocalDate(year: century + d[0] * 10 + d[1], month: d[2] * 10 + d[3], day: d[4] * 10 + d[5])
    }

    /// The check digit for the first 11 digits, or nil when both weight sequences give 10.
    public static func checkDigit(_ d: [Int]) -> Int? {
        let first = zip(d.prefix(11), 1...11).reduce(0) { $0 + $1.0 * $1.1 } % 11
        if first != 10 { return first }
        let weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        let second = zip(d.prefix(11), weights).reduce(0) { $0 + $1.0 * $1.1 } % 11
        return second == 10 ? nil : second
    }
}
