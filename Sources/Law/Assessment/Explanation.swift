import Domain

/// The fixed sentences of an offence's explanation: its citation and its closing.
enum Explanation {
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

    /// The sentences that do not depend on the case (sanction, payment), built once per offence
    /// and language.
    static func closing(pack: JurisdictionPack, offence: Offence, language: Language) -> String {
        let p = Phrases(language)
        var parts: [String] = []
        let unitName = pack.unit?.name[language]
        let sanctions = offence.sanctions.map { s in
            "\(p.sanctionType(s.type)) \(s.max.map { p.upTo($0.value, p.unit(s.unit, mrpName: unitName)) } ?? p.unlimited)"
        }.joined(separator: "; ")
        let end = sanctions.hasSuffix(".") ? "" : "." // "… до 50 сут." ends the sentence itself
        parts.append(p.pick("Санкция (одно основное наказание): \(sanctions)\(end)",
                            "Санкция (бір негізгі жаза): \(sanctions)\(end)",
                            "Sanction (one principal punishment): \(sanctions)\(end)"))
        if let payment = pack.mandatoryPayment?.byCategory[offence.category]?.value, let unitName {
            parts.append(p.pick(
                "При обвинительном приговоре суд взыскивает принудительный платёж в Фонд компенсации потерпевшим: \(payment) \(unitName).",
                "Айыптау үкімі шыққан кезде сот Жәбірленушілерге өтемақы қорына мәжбүрлі төлем өндіреді: \(payment) \(unitName).",
                "On a guilty verdict the court collects a mandatory payment into the Victims Compensation Fund: \(payment) \(unitName)."))
        }
        return parts.joined(separator: " ")
    }
}

/// The readable account of one offence's assessment in one language, citing the article: every
/// piece that does not depend on the case prepared when the assessor is made, so writing an
/// explanation only copies bytes and fills in ids, dates and counts.
final class ExplanationTemplate: Sendable {
    let store: TextStore
    let phrases: Phrases
    let opening, heading, beforeInForce, timeBarred, notCounted, adjudicated, sanctioned, beforeVerdict, restsOn: TextSpan
    /// By element, in the pack's order: the id, the name, and " Name: " opening its sentence.
    let elementIds: [String]
    let elementNames: [TextSpan]
    let elementHeadings: [TextSpan]
    /// By `ElementStatus.position`.
    let statusWords: [TextSpan]
    let grounds, notApplicable, insufficientOpen, insufficientClose, expiryOpen, expiryClose, closing: TextSpan

    /// `countsFrom`: the first wording's day when the offence has had several (this is one of them).
    init(offence: Offence, language: Language, citation cite: String, closing closingText: String, countsFrom: LocalDate? = nil) {
        let p = Phrases(language)
        phrases = p
        var texts = TextStore.Builder()
        opening = texts.add(p.pick("Оценка на ", "", "Assessment as of "))
        let title = offence.title[language]
        heading = texts.add(p.pick(" по норме: ", " күнгі бағалау: ", " under ") + cite + p.pick(" («", " («", " (") + title
                            + p.pick("»), действует с ", "»), ", "), in force since ") + (countsFrom ?? offence.citation.inForce.value).description
                            + (countsFrom == nil ? "" : p.pick(", в редакции с ", " бастап күшінде, ", ", in the wording since ")
                                + offence.citation.inForce.value.description + p.pick("", " бастап қолданылатын редакциясында", ""))
                            + p.pick(". Учтённые эпизоды: ", countsFrom == nil ? " бастап күшінде. Есепке алынған эпизодтар: " : ". Есепке алынған эпизодтар: ",
                                     ". Episodes counted: "))
        beforeInForce = texts.add(p.pick(". До вступления нормы в силу: ", ". Норма күшіне енгенге дейін: ", ". Before the norm came into force: "))
        timeBarred = texts.add(p.pick(". За пределами срока давности: ", ". Ескіру мерзімінен тыс: ", ". Time-barred: "))
        adjudicated = texts.add(p.pick(" Уже рассмотрены приговором и повторно не учитываются: ",
                                       " Үкіммен қаралған, қайта есепке алынбайды: ",
                                       " Already judged by a verdict, not counted again: "))
        sanctioned = texts.add(p.pick(" Из учтённых уже повлекли административное взыскание: ",
                                      " Есепке алынғандардың ішінде әкімшілік жаза қолданылғандары: ",
                                      " Of those counted, already sanctioned administratively: "))
        beforeVerdict = texts.add(p.pick(" До приговора, но не вошли в него (не учитываются вместе с последующими): ",
                                         " Үкімге дейін, бірақ оған енбеген (кейінгілермен бірге есепке алынбайды): ",
                                         " Before a verdict but not in it (not counted with what followed): "))
        restsOn = texts.add(" " + p.pick("Вывод опирается на не проверенные по официальному тексту величины: ",
                                         "Қорытынды ресми мәтін бойынша тексерілмеген шамаларға сүйенеді: ",
                                         "The conclusion rests on figures not yet verified against the official text: "))
        notCounted = texts.add(p.pick(" Не учтены, так как не отвечают признаку: ", " Белгіге сай келмегендіктен есепке алынбады: ",
                                      " Not counted, as they lack an element: "))
        elementIds = offence.elements.map(\.id)
        elementNames = offence.elements.map { texts.add($0.name[language]) }
        elementHeadings = offence.elements.map { element in
            let name = element.name[language]
            return texts.add(" " + (name.first.map { $0.uppercased() + name.dropFirst() } ?? "") + ": ")
        }
        statusWords = ElementStatus.allCases.map { texts.add(p.status($0)) }
        grounds = texts.add(" " + p.pick(
            "Все признаки состава выполнены: имеются основания для рассмотрения вопроса об уголовной ответственности (\(cite)).",
            "Құрамның барлық белгілері орындалды: \(cite) бойынша қылмыстық жауаптылық мәселесін қарауға негіз бар.",
            "Every element is met: there are grounds to consider criminal liability under \(cite)."))
        notApplicable = texts.add(" " + p.pick(
            "Ни один эпизод не подпадает под норму (\(cite)): все они до её вступления в силу, за пределами срока давности, уже рассмотрены приговором либо относятся к иным действиям.",
            "Бірде-бір эпизод нормаға (\(cite)) түспейді: барлығы ол күшіне енгенге дейін, ескіру мерзімінен тыс, үкіммен қаралған немесе басқа әрекеттерге жатады.",
            "No episode can fall under \(cite): each is before it came into force, time-barred, already judged by a verdict, or of another kind."))
        insufficientOpen = texts.add(" " + p.pick("Не все признаки выполнены (", "Барлық белгілер орындалмады (", "Not every element is met ("))
        insufficientClose = texts.add(p.pick("): оснований для квалификации (\(cite)) пока недостаточно.",
                                             "): \(cite) бойынша саралауға әзірге негіз жеткіліксіз.",
                                             "): the grounds for \(cite) are not yet sufficient."))
        expiryOpen = texts.add(" " + p.pick("Самый ранний срок давности истекает ", "Ең ерте ескіру мерзімі ", "The earliest limitation period ends on "))
        expiryClose = texts.add(p.pick(".", " аяқталады.", "."))
        closing = texts.add(" " + closingText)
        store = texts.make()
    }

    /// The explanation of an assessed offence.
    func text(date: LocalDate, conclusion: Conclusion, elements: [ElementResult], episodes: Episodes,
              earliestExpiry: LocalDate?, unverified: [String]) -> String {
        TextWriter.text(capacity: 2048) { out in
            withUnsafeTemporaryAllocation(of: WrittenList.self, capacity: Self.listsRemembered) { lists in
                write(into: &out, lists: lists, date: date, conclusion: conclusion, elements: elements, episodes: episodes,
                      earliestExpiry: earliestExpiry)
            }
            if !unverified.isEmpty {
                out.write(restsOn, from: store)
                for (index, name) in unverified.enumerated() {
                    if index > 0 { out.write(", ") }
                    out.write(name)
                }
                out.write(byte: UInt8(ascii: "."))
            }
        }
    }

    /// A list of ids already written: its array's storage (the caller's arrays outlive the text),
    /// its length, and where its words are in the text.
    private struct WrittenList {
        var storage: UnsafeRawPointer?
        var count: Int
        var start: Int
        var length: Int
    }

    private static let listsRemembered = 4

    private func write(into out: inout TextWriter, lists: UnsafeMutableBufferPointer<WrittenList>, date: LocalDate,
                       conclusion: Conclusion, elements: [ElementResult], episodes: Episodes, earliestExpiry: LocalDate?) {
        // Several lists are often the very same array (every episode of the window, or every
        // counted one): such a list is copied from where it was first written.
        var remembered = 0
        func write(_ ids: [String], into out: inout TextWriter) {
            guard ids.count > 1 else { return phrases.write(ids, into: &out) }
            let storage = ids.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
            for k in 0..<remembered where lists[k].storage == storage && lists[k].count == ids.count {
                return out.rewrite(from: lists[k].start, length: lists[k].length)
            }
            let start = out.written
            phrases.write(ids, into: &out)
            if remembered < lists.count {
                lists.initializeElement(at: remembered, to: WrittenList(storage: storage, count: ids.count, start: start,
                                                                      length: out.written - start))
                remembered += 1
            }
        }
        out.write(opening, from: store)
        out.write(date: date)
        out.write(heading, from: store)
        write(episodes.counted, into: &out)
        out.write(beforeInForce, from: store)
        write(episodes.beforeInForce, into: &out)
        out.write(timeBarred, from: store)
        write(episodes.timeBarred, into: &out)
        out.write(byte: UInt8(ascii: "."))
        for (span, ids) in [(adjudicated, episodes.adjudicated), (beforeVerdict, episodes.beforeVerdict),
                            (sanctioned, episodes.administrativelySanctioned)] where !ids.isEmpty {
            out.write(span, from: store)
            write(ids, into: &out)
            out.write(byte: UInt8(ascii: "."))
        }
        if !episodes.excluded.isEmpty {
            out.write(notCounted, from: store)
            for (index, excluded) in episodes.excluded.prefix(Phrases.listLimit).enumerated() {
                if index > 0 { out.write("; ") }
                out.write(excluded.incident)
                out.write(" (")
                if let element = elementIds.firstIndex(of: excluded.element) {
                    out.write(elementNames[element], from: store)
                } else {
                    out.write(excluded.element)
                }
                out.write(byte: UInt8(ascii: ")"))
            }
            if episodes.excluded.count > Phrases.listLimit { out.write("; …") }
            out.write(byte: UInt8(ascii: "."))
        }
        for index in elements.indices {
            out.write(elementHeadings[index], from: store)
            out.write(statusWords[elements[index].status.position], from: store)
            if !elements[index].incidents.isEmpty {
                out.write(" (")
                write(elements[index].incidents, into: &out)
                out.write(byte: UInt8(ascii: ")"))
            }
            out.write("; ")
            out.write(elements[index].note)
            out.write(byte: UInt8(ascii: "."))
        }
        switch conclusion {
        case .grounds:
            out.write(grounds, from: store)
        case .notApplicable:
            out.write(notApplicable, from: store)
        case .insufficient:
            out.write(insufficientOpen, from: store)
            var first = true
            for index in elements.indices where elements[index].status != .met {
                if !first { out.write("; ") }
                first = false
                out.write(elementNames[index], from: store)
            }
            out.write(insufficientClose, from: store)
        }
        if let earliestExpiry {
            out.write(expiryOpen, from: store)
            out.write(date: earliestExpiry)
            out.write(expiryClose, from: store)
        }
        out.write(closing, from: store)
    }
}
