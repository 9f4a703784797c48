import Domain
import Testing

@Suite struct NameFoldingTests {
    @Test(arguments: [
        ("Әйгерім", "Айгерим"), ("Айгерим", "Aigerim"), ("Әйгерім", "Aygerim"), ("Нұрлан", "Nurlan"),
        ("Жанар", "Zhanar"), ("Жанар", "Janar"), ("Қайрат", "Kairat"), ("Ерқанат", "Yerkanat"), ("Өмірзақ", "Omirzak"),
        ("Хадиша", "Khadisha"), ("Юлия", "Yulia"), ("Дмитрий", "Dmitry"), ("Дмитрий", "Dmitriy"), ("Ғалымжан", "Galymzhan"), ("Шынар", "Shynar"),
    ])
    func spellingsOfOneNameMeet(_ one: String, _ other: String) {
        #expect(NameFolding.words(one) == NameFolding.words(other), "\(one) / \(other)")
    }

    @Test func wordsAreSplitAndDigitsKept() {
        #expect(NameFolding.words("Сәрсенбаева  Әйгерім-Бекқызы") == ["sarsenbaeva", "aigerim", "bekkizi"])
        #expect(NameFolding.words("850101300123") == ["850101300123"])
        #expect(NameFolding.words("ALM-2025-0141") == ["alm", "2025", "0141"])
    }
}
