import Domain

/// The readable account of one offence's assessment, citing the article.
struct Explanation {
    let pack: JurisdictionPack
    let offence: Offence
    let language: Language

    var p: Phrases { Phrases(language) }

    static func citation(_ offence: Offence, _ language: Language) -> String {
        let article = offence.citation.article
        let code = offence.citation.code[language]
        guard article.first?.isNumber == true else { return "\(code), \(article)" }
        switch language {
        case .ru: return "\(code), ст. \(article)"
        case .kk: return "\(code), \(article)-бап"
        case .en: return "\(code), art. \(article)"
        }
    }

    /// The sentences that do not depend on the case (sanction, payment, unverified figures), built
    /// once per offence and language.
    static func closing(pack: JurisdictionPack, offence: Offence, language: Language, unverified: [String]) -> String {
        let p = Phrases(language)
        var parts: [String] = []
        let unitName = pack.unit?.name[language]
        let sanctions = offence.sanctions.map { s in
            "\(p.sanctionType(s.type)) \(s.max.map { p.upTo($0.value, p.unit(s.unit, mrpName: unitName)) } ?? p.unlimited)"
        }.joined(separator: "; ")
        parts.append(p.pick("Санкция (одно основное наказание): \(sanctions).",
                            "Санкция (бір негізгі жаза): \(sanctions).",
                            "Sanction (one principal punishment): \(sanctions)."))
        if let payment = pack.mandatoryPayment?.byCategory[offence.category]?.value, let unitName {
            parts.append(p.pick(
                "При обвинительном приговоре суд взыскивает принудительный платёж в Фонд компенсации потерпевшим: \(payment) \(unitName).",
                "Айыптау үкімі шыққан кезде сот Жәбірленушілерге өтемақы қорына мәжбүрлі төлем өндіреді: \(payment) \(unitName).",
                "On a guilty verdict the court collects a mandatory payment into the Victims Compensation Fund: \(payment) \(unitName)."))
        }
        if !unverified.isEmpty {
            let names = unverified.joined(separator: ", ")
            parts.append(p.pick("Вывод опирается на не проверенные по официальному тексту величины: \(names).",
                                "Қорытынды ресми мәтін бойынша тексерілмеген шамаларға сүйенеді: \(names).",
                                "The conclusion rests on figures not yet verified against the official text: \(names)."))
        }
        return parts.joined(separator: " ")
    }

    func text(conclusion: Conclusion, elements: [ElementResult], episodes: Episodes, limitation: LimitationResult,
              closing: String, at date: LocalDate) -> String {
        // Written straight into one string: this prose is most of an assessment's cost.
        var out = Prose(p)
        let cite = Self.citation(offence, language)
        out += p.pick("Оценка на ", "", "Assessment as of ")
        out.date(date)
        out += p.pick(" по норме: ", " күнгі бағалау: ", " under ")
        out += cite
        out += p.pick(" («", " («", " (")
        out += offence.title[language]
        out += p.pick("»), действует с ", "»), ", "), in force since ")
        out.date(offence.citation.inForce.value)
        out += p.pick(". Учтённые эпизоды: ", " бастап күшінде. Есепке алынған эпизодтар: ", ". Episodes counted: ")
        out.list(episodes.counted)
        out += p.pick(". До вступления нормы в силу: ", ". Норма күшіне енгенге дейін: ", ". Before the norm came into force: ")
        out.list(episodes.beforeInForce)
        out += p.pick(". За пределами срока давности: ", ". Ескіру мерзімінен тыс: ", ". Time-barred: ")
        out.list(episodes.timeBarred)
        out += "."
        if !episodes.excluded.isEmpty {
            out += p.pick(" Не учтены, так как не отвечают признаку: ", " Белгіге сай келмегендіктен есепке алынбады: ",
                          " Not counted, as they lack an element: ")
            for (index, excluded) in episodes.excluded.prefix(Phrases.listLimit).enumerated() {
                if index > 0 { out += "; " }
                out += excluded.incident
                out += " ("
                out += offence.elements.first { $0.id == excluded.element }?.name[language] ?? excluded.element
                out += ")"
            }
            if episodes.excluded.count > Phrases.listLimit { out += "; …" }
            out += "."
        }
        for element in elements {
            out += " "
            out.capitalized(element.name)
            out += ": "
            out += p.status(element.status)
            if !element.incidents.isEmpty {
                out += " ("
                out.list(element.incidents)
                out += ")"
            }
            out += "; "
            out += element.note
            out += "."
        }
        var parts: [String] = [out.text]
        switch conclusion {
        case .grounds:
            parts.append(p.pick(
                "Все признаки состава выполнены: имеются основания для рассмотрения вопроса об уголовной ответственности по норме \(cite).",
                "Құрамның барлық белгілері орындалды: \(cite) бойынша қылмыстық жауаптылық мәселесін қарауға негіз бар.",
                "Every element is met: there are grounds to consider criminal liability under \(cite)."))
        case .insufficient:
            let missing = elements.filter { $0.status != .met }.map(\.name).joined(separator: "; ")
            parts.append(p.pick(
                "Не все признаки выполнены (\(missing)): оснований для квалификации по норме \(cite) пока недостаточно.",
                "Барлық белгілер орындалмады (\(missing)): \(cite) бойынша саралауға әзірге негіз жеткіліксіз.",
                "Not every element is met (\(missing)): the grounds for \(cite) are not yet sufficient."))
        case .notApplicable:
            parts.append(p.pick(
                "Ни один эпизод не может подпадать под норму \(cite): все они до её вступления в силу, за пределами срока давности или иного рода.",
                "Бірде-бір эпизод \(cite) нормасына түспейді: барлығы ол күшіне енгенге дейін, ескіру мерзімінен тыс немесе басқа түрде.",
                "No episode can fall under \(cite): each is before it came into force, time-barred, or of another kind."))
        }
        if let expiry = limitation.earliestExpiry {
            parts.append(p.pick("Самый ранний срок давности истекает \(expiry).",
                                "Ең ерте ескіру мерзімі \(expiry) аяқталады.",
                                "The earliest limitation period ends on \(expiry)."))
        }
        parts.append(closing)
        return parts.joined(separator: " ")
    }
}

/// An explanation being written: one growing string and the pieces it is made of.
struct Prose {
    private(set) var text = ""
    let phrases: Phrases

    init(_ phrases: Phrases) {
        self.phrases = phrases
        text.reserveCapacity(2048)
    }

    static func += (prose: inout Prose, piece: String) { prose.text += piece }

    mutating func date(_ date: LocalDate) {
        func two(_ n: Int) { if n < 10 { text += "0" }; text += String(n) }
        text += String(date.year)
        text += "-"; two(date.month)
        text += "-"; two(date.day)
    }

    mutating func list(_ ids: [String]) { text += phrases.list(ids) }

    mutating func capitalized(_ name: String) {
        guard let first = name.first else { return }
        text += first.uppercased()
        text += name.dropFirst()
    }
}
