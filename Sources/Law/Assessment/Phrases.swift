import Domain

/// The sentences assessments are written with, in each language. Pack texts (titles, element
/// names) come from the pack; the grammar around them comes from here.
struct Phrases {
    let language: Language

    init(_ language: Language) { self.language = language }

    /// The text in this language; the others are never built.
    func pick<T>(_ ru: @autoclosure () -> T, _ kk: @autoclosure () -> T, _ en: @autoclosure () -> T) -> T {
        switch language {
        case .ru: ru()
        case .kk: kk()
        case .en: en()
        }
    }

    var disclaimer: String {
        pick("Оценка помогает сотруднику и не решает вопрос о виновности: виновность устанавливает только суд.",
             "Бағалау қызметкерге көмектеседі және кінә туралы мәселені шешпейді: кінәні тек сот белгілейді.",
             "This assessment informs the officer; it does not decide guilt, which only a court can establish.")
    }

    /// Ids for a sentence: all of a short list, the first few and a count of a long one.
    func list(_ ids: [String]) -> String {
        TextWriter.text(capacity: 256) { write(ids, into: &$0) }
    }

    func write(_ ids: [String], into out: inout TextWriter) {
        if ids.isEmpty { return out.write("—") }
        for index in 0..<min(ids.count, Self.listLimit) {
            if index > 0 { out.write(byte: UInt8(ascii: ",")); out.write(byte: UInt8(ascii: " ")) }
            out.write(ids[index])
        }
        guard ids.count > Self.listLimit else { return }
        let (before, after) = more
        out.write(before)
        out.write(number: ids.count - Self.listLimit)
        out.write(after)
    }

    /// "and N more", around the number.
    var more: (before: String, after: String) { pick((" и ещё ", ""), (" және тағы ", ""), (" and ", " more")) }

    static let listLimit = 12

    func status(_ status: ElementStatus) -> String {
        switch status {
        case .met: pick("выполнен", "орындалды", "met")
        case .notMet: pick("не выполнен", "орындалмады", "not met")
        case .unknown: pick("не установлен", "анықталмаған", "unknown")
        }
    }

    /// The note of an element that counts episodes, as the text before and after the count.
    func countedNote(threshold: Int) -> (before: String, after: String) {
        pick(("эпизодов учтено: ", ", требуется не менее \(threshold)"),
             ("есепке алынған эпизодтар: ", ", кемінде \(threshold) қажет"),
             ("", " episode(s) counted; at least \(threshold) required"))
    }

    /// The note of an element that does not count episodes, by its status.
    func elementNote(_ element: Element, status: ElementStatus) -> String {
        if element.impacts != nil || element.anyOf != nil {
            switch status {
            case .met:
                return pick("подтверждается последствиями, отмеченными в эпизодах", "эпизодтарда белгіленген салдарлармен расталады",
                            "shown by the effects recorded on the episodes")
            case .unknown:
                return pick("есть признаки (например, страх), но существенные последствия не зафиксированы: выясните у потерпевшей",
                            "белгілері бар (мысалы, қорқыныш), бірақ елеулі салдарлар тіркелмеген: жәбірленушіден анықтаңыз",
                            "there are signs (such as fear) but no substantial effect is recorded: ask the victim")
            case .notMet:
                return pick("последствия для потерпевшей не зафиксированы", "жәбірленушіге салдарлар тіркелмеген",
                            "no effect on the victim is recorded")
            }
        }
        switch status {
        case .met: return pick("эпизоды, отвечающие признаку", "белгіге сай эпизодтар", "episodes that show it")
        default: return pick("ни один эпизод в пределах сроков не отвечает признаку",
                             "мерзім ішіндегі бірде-бір эпизод белгіге сай емес",
                             "no episode within the time limits shows it")
        }
    }

    func alsoConsider(_ title: String, _ incidents: [String]) -> String {
        let (before, after) = pick(("Эпизоды ", " подлежат самостоятельной квалификации: "),
                                   ("", " эпизодтары жеке саралануға жатады: "),
                                   ("Episodes ", " are to be qualified separately: "))
        return TextWriter.text(capacity: 256) { out in
            out.write(before)
            write(incidents, into: &out)
            out.write(after)
            out.write(title)
            out.write(byte: UInt8(ascii: "."))
        }
    }

    func sanctionType(_ type: String) -> String {
        switch type {
        case "fine": pick("штраф", "айыппұл", "fine")
        case "correctionalWorks": pick("исправительные работы", "түзеу жұмыстары", "correctional works")
        case "communityService": pick("общественные работы", "қоғамдық жұмыстар", "community service")
        case "arrest": pick("арест", "қамау", "arrest")
        case "imprisonment": pick("лишение свободы", "бас бостандығынан айыру", "imprisonment")
        default: type
        }
    }

    func unit(_ unit: String, mrpName: String?) -> String {
        switch unit {
        case "mrp": mrpName ?? "MRP"
        case "hours": pick("ч", "сағ", "hours")
        case "days": pick("сут.", "тәул.", "days")
        case "weeks": pick("нед.", "апта", "weeks")
        case "months": pick("мес.", "ай", "months")
        case "dailyRates": pick("дневных ставок", "күндік мөлшерлеме", "daily rates")
        default: unit.uppercased()
        }
    }

    func upTo(_ max: Int, _ unit: String) -> String { pick("до \(max) \(unit)", "\(max) \(unit) дейін", "up to \(max) \(unit)") }
    var unlimited: String { pick("без верхнего предела", "жоғарғы шегі жоқ", "unlimited") }
}
