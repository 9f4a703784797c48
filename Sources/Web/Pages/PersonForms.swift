import Cases
import Domain
import Foundation
import Law
import Store
import Vapor

/// The case page's forms for the people of a case: add a person with a first place, and correct
/// one (a name, an IIN, a birth date, the relationship, a new place). Read by the API's own
/// reader (`FieldReader.person`), so a form refuses what the API refuses, with the messages beside
/// the fields in the page's language; a correction keeps the version it replaces with its reason.
struct PersonForms {
    let packs: PackLibrary

    /// The kinds of place the forms offer (the case file takes any word; these have names in the catalogs).
    static let placeKinds = ["home", "work", "school", "other"]

    struct Posted: Content {
        var role: String?, name: String?, iin: String?, birthDate: String?, relationshipToVictim: String?
        var placeKind: String?, placeText: String?, placeFrom: String?, reason: String?
        /// Set when the officer confirms a second person of the same name and role is another person.
        var confirmDuplicate: String?
        /// The person a correction is of (from the path).
        var person: String?
    }

    /// A person already in the case that `person` would repeat: the same IIN (never two people),
    /// or the same name in any spelling and any role (the respondent entered again as a witness),
    /// unless the officer confirmed it is another.
    static func duplicate(of person: Person, among existing: [Person], confirmed: Bool) -> ValidationProblem? {
        if let iin = person.iin, let same = existing.first(where: { $0.iin == iin }) {
            return ValidationProblem(pointer: "/iin", message: "\(same.name) of this case has this IIN", code: .duplicateIIN, values: ["name": same.name])
        }
        let words = NameFolding.words(person.name).sorted()
        guard !confirmed, !words.isEmpty,
              let same = existing.first(where: { NameFolding.words($0.name).sorted() == words }) else { return nil }
        return ValidationProblem(pointer: "/name", message: "\(same.name) is already a person of this case: confirm to add another",
                                 code: .duplicatePerson, values: ["name": same.name])
    }

    /// One person of the case as the correction form shows them.
    struct Correction: Encodable {
        var id: String, ref: String, label: String
        var form: LifecycleForms.Values
        var relationships: [IncidentForm.Choice]
        var placeKinds: [IncidentForm.Choice]
        var open: Bool
    }

    /// `POST /cases/{id}/persons`.
    func add(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let posted = req.form(Posted.self) ?? Posted()
        let forms = LifecycleForms(packs: packs)
        return try await forms.attempt(req, caseID: caseID, form: \.addPerson, posted: posted, anchor: "persons") {
            var json = Self.details(posted)
            json["role"] = posted.role ?? ""
            json["places"] = Self.newPlace(posted).map { [$0] } ?? []
            let node = try LifecycleForms.node(json)
            let person = FieldReader().person(node, requireID: false)
            try node.throwIfInvalid()
            let existing = try await PersonStore(db: req.db).list(caseID: caseID, scope: req.principal.scope).map(\.person)
            if let same = Self.duplicate(of: person!, among: existing, confirmed: posted.confirmDuplicate == "1") {
                throw ValidationFailure([same])
            }
            _ = try await req.persons.add(person!, to: caseID)
        }
    }

    /// `POST /cases/{id}/persons/{personID}/correct`: the details as given, the places as they were
    /// plus a new one; a new place of a kind ends the open places of that kind the day before it
    /// begins (she moved), and one dated before a place of its kind ends the day before that began
    /// (a former home entered late).
    func correct(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let personID = try req.uuid("personID", what: "person")
        var posted = req.form(Posted.self) ?? Posted()
        posted.person = personID.apiString
        let forms = LifecycleForms(packs: packs)
        return try await forms.attempt(req, caseID: caseID, form: \.correctPerson, posted: posted, anchor: "persons") {
            let store = PersonStore(db: req.db)
            let current = try await store.get(personID, caseID: caseID, scope: req.principal.scope)
            var json = Self.details(posted)
            json["role"] = current.person.role.rawValue
            var places: [[String: Any]] = try current.person.places.map { place in
                try JSONSerialization.jsonObject(with: JSONEncoder().encode(place)) as? [String: Any] ?? [:]
            }
            if var added = Self.newPlace(posted) {
                if let from = (added["from"] as? String).flatMap(LocalDate.init) {
                    let sameKind = places.indices.filter { places[$0]["kind"] as? String == added["kind"] as? String }
                    func start(_ index: Int) -> LocalDate? { (places[index]["from"] as? String).flatMap(LocalDate.init) }
                    for index in sameKind where places[index]["until"] == nil && start(index).map({ $0 < from }) ?? true {
                        places[index]["until"] = from.adding(days: -1).description
                    }
                    // a place of the past (one of the kind began later): it ended the day before the next began
                    if let next = sameKind.compactMap(start).filter({ $0 > from }).min() {
                        added["until"] = next.adding(days: -1).description
                    }
                }
                places.append(added)
            }
            json["places"] = places
            let node = try LifecycleForms.node(json)
            let reasonNode = try LifecycleForms.node(["reason": LifecycleForms.required(posted.reason)])
            let person = FieldReader().person(node, requireID: false)
            // nothing changed is said first: no reason is asked for a correction that is not one
            if node.log.problems.isEmpty, var unchanged = person {
                unchanged.id = current.person.id
                if unchanged == current.person {
                    throw ValidationFailure([ValidationProblem(pointer: "", message: "the correction changes nothing", code: .unchanged)])
                }
            }
            let reason = reasonNode["reason"].string(maxLength: 2000)
            let problems = node.log.problems + reasonNode.log.problems
            if !problems.isEmpty { throw ValidationFailure(problems) }
            _ = try await req.persons.correct(personID, caseID: caseID, with: person!, reason: reason!, expectedVersion: nil)
        }
    }

    /// Name, IIN, birth date and relationship as the reader takes them (blank optional fields left out).
    private static func details(_ posted: Posted) -> [String: Any] {
        var json: [String: Any] = ["name": LifecycleForms.required(posted.name)]
        for (key, value) in [("iin", posted.iin), ("birthDate", posted.birthDate), ("relationshipToVictim", posted.relationshipToVictim)] {
            if let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty { json[key] = value }
        }
        return json
    }

    /// The place the form adds, if its address was given.
    private static func newPlace(_ posted: Posted) -> [String: Any]? {
        guard let text = posted.placeText?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        var place: [String: Any] = ["kind": posted.placeKind ?? "home", "text": text]
        if let from = posted.placeFrom, !from.isEmpty { place["from"] = from }
        return place
    }

    /// The correction forms of the case's people (`ids`: their stored ids by reference), the one
    /// that came back with its values and messages.
    static func corrections(_ persons: [Person], ids: [String: UUID], state: LifecycleForms.State, t: [String: String]) -> [Correction] {
        persons.compactMap { person in
            guard let id = ids[person.id]?.apiString else { return nil }
            let returned = state.correctPerson.values["person"] == id
            var form = returned ? state.correctPerson : LifecycleForms.Values()
            if !returned {
                form.values = ["name": person.name, "iin": person.iin ?? "", "birthDate": person.birthDate?.description ?? "",
                               "relationshipToVictim": person.relationshipToVictim?.rawValue ?? ""]
            }
            return Correction(id: id, ref: person.id,
                              label: (t["personrole_\(person.role.rawValue)"] ?? person.role.rawValue) + " " + person.name,
                              form: form,
                              relationships: relationshipChoices(selected: form.values["relationshipToVictim"] ?? "", t: t),
                              placeKinds: placeKindChoices(selected: form.values["placeKind"] ?? "home", t: t),
                              open: returned)
        }
    }

    /// The relationship to the victim to choose, none first.
    static func relationshipChoices(selected: String, t: [String: String]) -> [IncidentForm.Choice] {
        [.init(value: "", label: "—", selected: selected.isEmpty)]
            + Relationship.allCases.map { .init(value: $0.rawValue, label: t["relationship_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == selected) }
    }

    static func placeKindChoices(selected: String, t: [String: String]) -> [IncidentForm.Choice] {
        placeKinds.map { .init(value: $0, label: t["placekind_\($0)"] ?? $0, selected: $0 == selected) }
    }
}
