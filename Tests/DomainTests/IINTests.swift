import Domain
import Testing

@Suite struct IINTests {
    @Test(arguments: ["910402450127", "881117300457", "020312600544", "791231300983"])
    func acceptsValidNumbers(_ text: String) throws {
        #expect(try IIN(text).digits == text)
    }

    @Test func decodesBirthDate() throws {
        #expect(try IIN("910402450127").birthDate == LocalDate("1991-04-02"))
        #expect(try IIN("020312600544").birthDate == LocalDate("2002-03-12"))
    }

    @Test func refusesWrongCheckDigit() {
        #expect(throws: IIN.Problem.badCheckDigit(expected: 7, found: 3)) { try IIN("910402450123") }
    }

    @Test(arguments: ["91040245012", "9104024501270", "91040245012a", "", "９１０４０２４５０１２７"])
    func refusesWrongShape(_ text: String) {
        #expect(throws: IIN.Problem.notTwelveDigits) { try IIN(text) }
    }

    @Test func refusesImpossibleBirthDate() {
        #expect(throws: IIN.Problem.badBirthDate) { try IIN("911302450127") }
    }

    @Test func refusesCenturyDigitOutOfRange() {
        #expect(throws: IIN.Problem.badCenturyDigit("9")) { try IIN("910402950127") }
    }

    @Test func usesSecondWeightsWhenFirstSumIsTen() {
        // Σ d·(1…11) mod 11 = 10 for these 11 digits, so the check digit comes from the second weights.
        let digits = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
        #expect(IIN.checkDigit(digits) == 1)
    }
}

@Suite struct ProceedingStageTests {
    @Test func onlyTheseMovesAreAllowed() {
        let allowed: Set<String> = ["preTrial→inCourt", "preTrial→closed", "inCourt→decided", "inCourt→closed",
                                    "inCourt→preTrial", "decided→closed"]
        for from in ProceedingStage.allCases {
            for to in ProceedingStage.allCases {
                #expect(from.canMove(to: to) == allowed.contains("\(from.rawValue)→\(to.rawValue)"), "\(from) → \(to)")
            }
        }
    }
}
