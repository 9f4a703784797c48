/// One thing wrong with an input, located by an RFC 6901 JSON pointer (`/incidents/3/kind`).
/// `message` is English for developers; `code` and `values`, when set, let a page (or a client)
/// say it in its user's language (the catalogs' `problem_<code>`, with `{name}` for each value).
public struct ValidationProblem: Hashable, Sendable, Codable, CustomStringConvertible {
    public var pointer: String
    public var message: String
    public var code: ProblemCode?
    public var values: [String: String]?

    public init(pointer: String, message: String, code: ProblemCode? = nil, values: [String: String]? = nil) {
        self.pointer = pointer; self.message = message; self.code = code; self.values = values
    }

    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
}

/// An input refused whole, with every problem found.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    public var problems: [ValidationProblem]
    /// The input could not be read at all (not JSON, no body), as opposed to fields being wrong.
    public var isMalformed = false

    public init(_ problems: [ValidationProblem]) { self.problems = problems }

    public init(pointer: String, message: String, isMalformed: Bool = false) {
        self.problems = [.init(pointer: pointer, message: message)]
        self.isMalformed = isMalformed
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Errors the domain and store report; the web layer maps each to an HTTP status.
public enum DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    /// The caller may reach the record but not do this to it (a rule of the case, not of the role).
    case forbidden(String)

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let why): why
        case .forbidden(let why): why
        }
    }
}

/// The kinds of problem every input can have, each with a text in every page language.
public enum ProblemCode: String, Sendable, Codable, CaseIterable {
    /// Absent but needed.
    case required
    /// Of the wrong type (`expected`: object, string, …).
    case type
    case empty
    /// A control character (`character`: U+0000).
    case control
    /// Longer than `max` characters.
    case tooLong
    /// A number outside `min`…`max`.
    case range
    case wholeNumber
    /// Not one of the words of a vocabulary (`value`, `words`).
    case unknownWord
    /// Not a date and time (`value`).
    case dateTime
    /// Not a calendar date (`value`).
    case date
    /// After now (`value`).
    case future
    /// Before 1900 (`value`).
    case tooEarly
    /// Before the day of the record it follows (`value`, `start`).
    case beforeStart
    /// Not a valid IIN (12 digits, the last a check digit).
    case iin
    /// An IIN whose birth date is not the birth date given (`encoded`).
    case iinBirthDate
    /// A new end not after the current one (`end`).
    case notAfterEnd
    /// A yes-or-no question left unanswered.
    case answer
    /// A risk level below the one the answers give (`computed`).
    case levelLowered
    /// A risk level raised above the computed one without a reason (`computed`).
    case raiseNeedsReason
    /// A person already in the case under the same name and role (`name`), not confirmed as another.
    case duplicatePerson
    /// An IIN a person of the case already has (`name`).
    case duplicateIIN
    /// A correction that changes nothing.
    case unchanged
    /// A username someone has (`value`).
    case usernameTaken
    /// A username not of 3 to 64 lowercase letters, digits, '.', '_' or '-'.
    case usernameFormat
    /// A unit code the list of units has already (`value`).
    case unitExists
    /// A case number another case has (`value`).
    case numberTaken
    /// An end not after the start it follows.
    case notAfterStart
    /// A measure shorter than the law's minimum (`min` months, `source`).
    case orderTooShort
    /// A measure longer than the law's maximum (`max` months, `source`).
    case orderTooLong
    /// A unit not on the list of units (`value`).
    case unknownUnit
    /// An officer without a unit.
    case unitNeeded
    /// A role changed into or out of a victim's: what a victim logged is kept from the other
    /// victims of her case by her account being a victim's.
    case victimRoleKept
    /// An incident an administrative case or a criminal proceeding rests on (`record`, its id in
    /// the case file), which cannot be marked as entered in error while that record names it.
    case incidentInRecord
    /// An order of the same type already in force over the new one's days (`order`, its
    /// reference; `issuedAt`, `until`).
    case duplicateOrder
    /// A polygon or a hole of fewer than three points.
    case polygonPoints
    /// A polygon spanning 180° of longitude or more.
    case polygonTooWide
    /// A polygon reaching a pole.
    case polygonPole
    /// A polygon or a hole that encloses no area (its corners on one line, or repeated).
    case polygonEmpty
    /// A device worn by someone who is not the case's respondent or victim (`value`).
    case unknownPerson
    /// A device id an open case wears already (`value`).
    case deviceTaken
    /// A device id not of 1 to 100 Latin letters, digits, '.', '_', ':' or '-'.
    case deviceIDFormat
    /// More items than a list may hold (`max`).
    case tooMany
    /// A warning, not a refusal: outside a bound the law pack does not hold as verified (`figure`,
    /// `bound`, `value`, `source`); the record is kept.
    case unverifiedBound
}
