import Domain

/// What the officer should do next, from the assessments and the case's records.
struct NextSteps {
    let file: CaseFile
    let at: LocalDate
    let legalDays: LegalDayCalendar
    let language: Language
    /// The pack's first protective measure that covers the respondent's relationship to the victim,
    /// if one does: what to issue, and the article its violations fall under.
    let measure: ProtectiveMeasure?
    /// The step proposing that measure, in this language.
    let issueMeasure: String?
    /// Every measure of the pack: an order's violations fall under its own measure's article.
    let measures: [ProtectiveMeasure]

    var p: Phrases { Phrases(language) }

    func steps(offences: [OffenceAssessment], plans: [OffencePlan], timeline: Timeline) -> [NextStep] {
        var steps: [NextStep] = []
        steps.reserveCapacity(8)
        // A proceeding under the offence that no verdict has ended: new episodes join an open one,
        // and episodes a closed one held are not proposed again. After a verdict, what the
        // respondent does is a new course of conduct with steps of its own.
        let judged = Set(file.verdicts.map(\.proceeding))
        func unjudged(_ offence: String) -> [CriminalProceeding] {
            file.criminalProceedings.filter { $0.article == offence && !judged.contains($0.id) }
        }
        func proposed(_ offence: String, _ counted: [String]) -> Bool {
            let proceedings = unjudged(offence)
            if proceedings.contains(where: { $0.stage != .closed }) { return false }
            let closed = Set(proceedings.flatMap(\.incidents))
            return counted.contains { !closed.contains($0) }
        }

        // By index: iterating would copy each assessment, retaining every text and list in it.
        for o in offences.indices where offences[o].conclusion == .grounds && proposed(offences[o].offence, offences[o].episodes.counted) {
            let counted = offences[o].episodes.counted
            let (before, middle, after) = p.pick(("Зарегистрировать уголовное дело — ", " (эпизоды ", ")."),
                                                 ("", " бойынша қылмыстық істі тіркеу (эпизодтар ", ")."),
                                                 ("Register a criminal case under ", " (episodes ", ")."))
            var text = sentence(before, offences[o].citation, middle, counted, after)
            // proposed, so every unjudged proceeding under the offence is closed
            let closed = Set(unjudged(offences[o].offence).flatMap(\.incidents))
            let reopened = counted.filter(closed.contains)
            if !reopened.isEmpty {
                let (open, close) = p.pick((" Эпизоды ", " уже были в прекращённом уголовном деле."),
                                           (" ", " эпизодтары тоқтатылған қылмыстық істе болған."),
                                           (" Episodes ", " were in a criminal case that was closed."))
                text += sentence(open, "", "", reopened, close)
            }
            let sanctioned = offences[o].episodes.administrativelySanctioned
            if !sanctioned.isEmpty {
                let (open, close) = p.pick((" Эпизоды ", " уже повлекли административное взыскание: решить, вменять ли те же действия повторно."),
                                           (" ", " эпизодтары бойынша әкімшілік жаза қолданылған: сол әрекеттерді қайта айыптау керек пе, шешу."),
                                           (" Episodes ", " were already sanctioned administratively: decide whether the same acts are charged again."))
                text += sentence(open, "", "", sanctioned, close)
            }
            steps.append(NextStep(code: .registerCriminalCase, incidents: counted, text: text))
        }

        let orderInForce = file.protectiveOrders.contains { order in
            legalDays.date(of: order.issuedAt) <= at && at <= legalDays.date(of: order.validUntil)
        }
        if offences.indices.contains(where: { !offences[$0].episodes.counted.isEmpty }), !orderInForce, let issueMeasure {
            steps.append(NextStep(code: .issueProtectiveOrder, incidents: [], text: issueMeasure))
        }

        let unreferred = unreferredViolations(timeline)
        if !unreferred.isEmpty {
            // the breach is an administrative offence in Kazakhstan, a crime elsewhere: said neutrally
            let articles = violationArticles
            let (before, middle, after) = articles.isEmpty
                ? p.pick(("Направить материалы о нарушениях защитного предписания (", ") для привлечения к ответственности", "."),
                         ("Қорғау нұсқамасын бұзу фактілерін (", ") жауаптылыққа тарту үшін жіберу", "."),
                         ("Refer the order violations (", ") for proceedings", "."))
                : p.pick(("Направить материалы о нарушениях защитного предписания (", ") для привлечения к ответственности по ", "."),
                         ("Қорғау нұсқамасын бұзу фактілерін (", ") жауаптылыққа тарту үшін жіберу: ", "."),
                         ("Refer the order violations (", ") for proceedings under ", "."))
            steps.append(NextStep(code: .referViolations, incidents: unreferred, text: listFirst(before, unreferred, middle, articles, after)))
        }

        for o in offences.indices where offences[o].conclusion == .insufficient {
            let plan = plans[o]
            if plan.harmElements.contains(where: { offences[o].elements[$0].status != .met }) {
                steps.append(NextStep(code: .documentHarm, incidents: offences[o].episodes.counted, text: p.pick(
                    "Задокументировать последствия для потерпевшей (смена жилья или работы, обращения за защитой, помощь врача или психолога, потеря дохода).",
                    "Жәбірленушіге салдарларды құжаттау (тұрғын үйді немесе жұмысты ауыстыру, қорғау сұрау, дәрігер не психолог көмегі, табыстан айырылу).",
                    "Document the effect on the victim (moving home or job, seeking protection, medical or psychological help, lost income).")))
            }
            if plan.patternElements.contains(where: { offences[o].elements[$0].status != .met }) {
                steps.append(NextStep(code: .keepLogging, incidents: [], text: p.pick(
                    "Продолжать фиксировать каждый эпизод: пока их недостаточно для систематичности.",
                    "Әр эпизодты тіркей беру: жүйелілік үшін әзірге жеткіліксіз.",
                    "Keep logging every episode: there are not yet enough to show a pattern.")))
            }
        }

        // The clock runs until a verdict enters into force, whether or not a case is registered.
        for o in offences.indices {
            guard let expiry = offences[o].limitation.earliestExpiry, expiry.daysSinceEpoch - at.daysSinceEpoch <= 60 else { continue }
            let soon = offences[o].limitation.byEpisode.filter { $0.expires == expiry }.map(\.incident)
            // judged, but the verdict is not yet in force: its entry into force must come first
            if !offences[o].episodes.adjudicated.isEmpty, soon.allSatisfy(offences[o].episodes.adjudicated.contains) {
                steps.append(NextStep(code: .limitationSoon, incidents: soon, text: p.pick(
                    "Срок давности по эпизодам \(p.list(soon)) истекает \(expiry), а приговор по ним ещё не вступил в силу: если он вступит в силу позже, эти эпизоды окажутся за пределами срока давности.",
                    "\(p.list(soon)) эпизодтары бойынша ескіру мерзімі \(expiry) аяқталады, ал олар бойынша үкім әлі заңды күшіне енген жоқ: кейінірек енсе, бұл эпизодтар ескіру мерзімінен тыс қалады.",
                    "The limitation period for episodes \(p.list(soon)) ends on \(expiry) and the verdict on them is not yet in force: if it enters into force later, they are time-barred.")))
                continue
            }
            steps.append(NextStep(code: .limitationSoon, incidents: soon, text: p.pick(
                "Срок давности по эпизодам \(p.list(soon)) истекает \(expiry): действовать до этой даты.",
                "\(p.list(soon)) эпизодтары бойынша ескіру мерзімі \(expiry) аяқталады: осы күнге дейін әрекет ету.",
                "The limitation period for episodes \(p.list(soon)) ends on \(expiry): act before then.")))
        }

        for o in offences.indices where !offences[o].episodes.beforeVerdict.isEmpty {
            let earlier = offences[o].episodes.beforeVerdict
            let (before, middle, after) = p.pick(("Эпизоды ", " были до приговора, но не вошли в него: решить, привлекать ли за них к ответственности (", "); с эпизодами после приговора они не учитываются."),
                                                 ("", " эпизодтары үкімге дейін болған, бірақ оған енбеген: олар үшін жауаптылыққа тарту керек пе, шешу (", "); үкімнен кейінгі эпизодтармен бірге есепке алынбайды."),
                                                 ("Episodes ", " came before the verdict but were not in it: decide whether to prosecute them (", "); they are not counted with the episodes after it."))
            steps.append(NextStep(code: .reviewUncharged, incidents: earlier, text: listFirst(before, earlier, middle, offences[o].citation, after)))
        }

        let unpaid = file.verdicts.filter { $0.outcome == .guilty && $0.mandatoryPayment != nil && $0.mandatoryPayment?.paidAt == nil }
        if !unpaid.isEmpty {
            steps.append(NextStep(code: .collectMandatoryPayment, incidents: [], text: p.pick(
                "Проконтролировать уплату принудительного платежа: \(p.list(unpaid.map(\.id))).",
                "Мәжбүрлі төлемнің төленуін бақылау: \(p.list(unpaid.map(\.id))).",
                "Follow up the unpaid mandatory payment: \(p.list(unpaid.map(\.id))).")))
        }
        return steps
    }

    /// Incidents in the timeline that broke an order in force and are not yet in an
    /// administrative case, each once, in time order.
    func unreferredViolations(_ timeline: Timeline) -> [String] {
        guard !file.protectiveOrders.isEmpty else { return [] }
        let violations = OrderViolations.find(incidents: file.incidents, at: timeline.kept,
                                              orders: file.protectiveOrders)
        // One order without zones names each incident at most once.
        let repeats = file.protectiveOrders.count > 1 || file.protectiveOrders[0].conditions.zones?.isEmpty == false
        let sanctioned: Set<String> = file.administrativeCases.isEmpty ? [] : Set(file.administrativeCases.flatMap(\.incidents))
        var seen: Set<String> = []
        var unreferred: [String] = []
        unreferred.reserveCapacity(violations.count)
        for violation in violations where !sanctioned.contains(violation.incident) {
            if repeats, !seen.insert(violation.incident).inserted { continue }
            unreferred.append(violation.incident)
        }
        return unreferred
    }

    /// The articles the case's orders' violations fall under, each once.
    var violationArticles: String {
        var articles: [String] = []
        for order in file.protectiveOrders {
            if let article = measures.first(where: { $0.orderType == order.type })?.violation, !articles.contains(article) { articles.append(article) }
        }
        return articles.joined(separator: ", ")
    }

    /// The step proposing a protective measure, by language.
    /// `recorded`: whether the respondent's relationship to the victim is in the case file; when it
    /// is not and the measure covers family and household only, the step says to record it.
    static func issuing(_ measure: ProtectiveMeasure, recorded: Bool = true) -> [String] {
        let family: Set<Relationship> = [.spouse, .formerSpouse, .partner, .formerPartner, .relative]
        // whom it covers, when that is family and household relations, and whether that reading is verified
        let covers = measure.relationships.flatMap { Set($0.value).isSubset(of: family) ? $0.verified : nil }
        return Language.allCases.map { language in
            let p = Phrases(language)
            let law = measure.lawTitle?[language] ?? measure.law
            var scope = covers.map { verified in
                p.pick(verified ? "; применима к семейно-бытовым отношениям" : "; по непроверенному прочтению закона применима только к семейно-бытовым отношениям",
                       verified ? "; отбасылық-тұрмыстық қатынастарға қолданылады" : "; заңның тексерілмеген оқылуы бойынша тек отбасылық-тұрмыстық қатынастарға қолданылады",
                       verified ? "; it covers family and household relations" : "; by an unverified reading it covers family and household relations only")
            } ?? ""
            if covers != nil, !recorded {
                scope += p.pick(": отношение ответчика к потерпевшей не указано, укажите его",
                                ": жауапкердің жәбірленушіге қатысы көрсетілмеген, оны көрсетіңіз",
                                ": the respondent's relationship to the victim is not recorded; record it")
            }
            return p.pick("Рассмотреть меру защиты: \(measure.title.ru) (\(law)\(scope)).",
                          "Қорғау шарасын қарастыру: \(measure.title.kk) (\(law)\(scope)).",
                          "Consider a protective measure: \(measure.title.en) (\(law)\(scope)).")
        }
    }

    /// before + the list + middle + text + after, written once.
    func listFirst(_ before: String, _ ids: [String], _ middle: String, _ text: String, _ after: String) -> String {
        TextWriter.text(capacity: 512) { out in
            out.write(before)
            p.write(ids, into: &out)
            out.write(middle)
            out.write(text)
            out.write(after)
        }
    }

    /// before + text + middle + the list + after, written once.
    func sentence(_ before: String, _ text: String, _ middle: String, _ ids: [String], _ after: String) -> String {
        TextWriter.text(capacity: 512) { out in
            out.write(before)
            out.write(text)
            out.write(middle)
            p.write(ids, into: &out)
            out.write(after)
        }
    }
}
