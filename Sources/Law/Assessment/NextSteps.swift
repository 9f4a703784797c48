import Domain

/// What the officer should do next, from the assessments and the case's records.
struct NextSteps {
    let pack: JurisdictionPack
    let file: CaseFile
    let at: LocalDate
    let legalDays: LegalDayCalendar
    let language: Language

    var p: Phrases { Phrases(language) }

    func steps(offences: [OffenceAssessment], plans: [OffencePlan], timeline: Timeline) -> [NextStep] {
        var steps: [NextStep] = []
        let registered = Set(file.criminalProceedings.map(\.article))
        let convicted = !file.verdicts.filter { $0.outcome == .guilty }.isEmpty

        for offence in offences where offence.conclusion == .grounds && !registered.contains(offence.offence) {
            steps.append(NextStep(code: .registerCriminalCase, incidents: offence.episodes.counted, text: p.pick(
                "Зарегистрировать уголовное дело по норме \(offence.citation) (эпизоды \(p.list(offence.episodes.counted))).",
                "\(offence.citation) бойынша қылмыстық істі тіркеу (эпизодтар \(p.list(offence.episodes.counted))).",
                "Register a criminal case under \(offence.citation) (episodes \(p.list(offence.episodes.counted)))."))
            )
        }

        let active = offences.flatMap(\.episodes.counted)
        let orderInForce = file.protectiveOrders.contains { order in
            legalDays.date(of: order.issuedAt) <= at && at <= legalDays.date(of: order.validUntil)
        }
        if !active.isEmpty, !orderInForce, !convicted, let measure = pack.measures.first {
            steps.append(NextStep(code: .issueProtectiveOrder, incidents: [], text: p.pick(
                "Рассмотреть меру защиты: \(measure.title.ru) (\(measure.law)).",
                "Қорғау шарасын қарастыру: \(measure.title.kk) (\(measure.law)).",
                "Consider a protective measure: \(measure.title.en) (\(measure.law)).")))
        }

        let sanctioned = Set(file.administrativeCases.flatMap(\.incidents))
        let violations = OrderViolations.find(incidents: file.incidents, at: timeline.entries.lazy.map(\.index),
                                              orders: file.protectiveOrders)
        var unreferred: [String] = []
        var seen: Set<String> = []
        for violation in violations where !sanctioned.contains(violation.incident) && seen.insert(violation.incident).inserted {
            unreferred.append(violation.incident)
        }
        if !unreferred.isEmpty {
            let article = pack.measures.first?.violation ?? ""
            steps.append(NextStep(code: .referViolations, incidents: unreferred, text: p.pick(
                "Направить нарушения защитного предписания (\(p.list(unreferred))) для административного производства (\(article)).",
                "Қорғау нұсқамасын бұзу фактілерін (\(p.list(unreferred))) әкімшілік іс жүргізуге жіберу (\(article)).",
                "Refer the order violations (\(p.list(unreferred))) for administrative proceedings (\(article)).")))
        }

        for (offence, plan) in zip(offences, plans) where offence.conclusion == .insufficient {
            if plan.harmElements.contains(where: { offence.elements[$0].status != .met }) {
                steps.append(NextStep(code: .documentHarm, incidents: offence.episodes.counted, text: p.pick(
                    "Задокументировать последствия для потерпевшей (смена жилья или работы, обращения за защитой, помощь врача или психолога, потеря дохода).",
                    "Жәбірленушіге салдарларды құжаттау (тұрғын үйді немесе жұмысты ауыстыру, қорғау сұрау, дәрігер не психолог көмегі, табыстан айырылу).",
                    "Document the effect on the victim (moving home or job, seeking protection, medical or psychological help, lost income).")))
            }
            if plan.patternElements.contains(where: { offence.elements[$0].status != .met }) {
                steps.append(NextStep(code: .keepLogging, incidents: [], text: p.pick(
                    "Продолжать фиксировать каждый эпизод: пока их недостаточно для систематичности.",
                    "Әр эпизодты тіркей беру: жүйелілік үшін әзірге жеткіліксіз.",
                    "Keep logging every episode: there are not yet enough to show a pattern.")))
            }
        }

        for offence in offences where !registered.contains(offence.offence) {
            guard let expiry = offence.limitation.earliestExpiry, expiry.daysSinceEpoch - at.daysSinceEpoch <= 60 else { continue }
            let soon = offence.limitation.byEpisode.filter { $0.expires == expiry }.map(\.incident)
            steps.append(NextStep(code: .limitationSoon, incidents: soon, text: p.pick(
                "Срок давности по эпизодам \(p.list(soon)) истекает \(expiry): действовать до этой даты.",
                "\(p.list(soon)) эпизодтары бойынша ескіру мерзімі \(expiry) аяқталады: осы күнге дейін әрекет ету.",
                "The limitation period for episodes \(p.list(soon)) ends on \(expiry): act before then.")))
        }

        let unpaid = file.verdicts.filter { $0.outcome == .guilty && $0.mandatoryPayment != nil && $0.mandatoryPayment?.paidAt == nil }
        if !unpaid.isEmpty {
            steps.append(NextStep(code: .collectMandatoryPayment, incidents: [], text: p.pick(
                "Проконтролировать уплату принудительного платежа по приговору (\(p.list(unpaid.map(\.id)))).",
                "Үкім бойынша мәжбүрлі төлемнің төленуін бақылау (\(p.list(unpaid.map(\.id)))).",
                "Follow up the unpaid mandatory payment of the verdict (\(p.list(unpaid.map(\.id)))).")))
        }
        return steps
    }
}
