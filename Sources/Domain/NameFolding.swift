/// Folds a name so that its Kazakh Cyrillic, Russian Cyrillic and Latin spellings meet: Әйгерім,
/// Айгерим and Aigerim all fold to "aigerim". Kazakh letters become their nearest Russian ones,
/// Cyrillic is transliterated to Latin, and what is spelled several ways in Latin (y and i, kh and
/// h, j and zh) is written one way. For search only: a folded name is never shown.
public enum NameFolding {
    private static let kazakh: [Character: String] = [
        "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    ]
    private static let cyrillic: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i",
        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
        "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    ]

    /// The folded words of a text (letters and digits; everything else separates words).
    public static func words(_ text: String) -> [String] {
        var words: [String] = [], current = ""
        for character in text.lowercased() {
            let letter = kazakh[character].map(Character.init) ?? character
            if let latin = cyrillic[letter] {
                current += latin
            } else if letter.isASCII, letter.isLetter || letter.isNumber {
                current.append(letter)
            } else if letter.isLetter || letter.isNumber {
                current.append(letter) // another script: kept as it is
            } else if !current.isEmpty {
                words.append(latinFolded(current)); current = ""
            }
        }
        if !current.isEmpty { words.append(latinFolded(current)) }
        return words.filter { !$0.isEmpty }
    }

    /// One way of writing what Latin spells several ways: a leading "ye" (Yerlan, Ерлан) as "e",
    /// "kh" as "h", "j" as "zh", "y" as "i", and a doubled "i" (Дмитрий, Dmitriy, Dmitry) once.
    private static func latinFolded(_ word: String) -> String {
        var folded = word.hasPrefix("ye") ? String(word.dropFirst()) : word
        folded = folded.replacingOccurrences(of: "kh", with: "h").replacingOccurrences(of: "j", with: "zh")
            .replacingOccurrences(of: "y", with: "i")
        while folded.contains("ii") { folded = folded.replacingOccurrences(of: "ii", with: "i") }
        return folded
    }
}
