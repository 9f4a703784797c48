/// One thing wrong with an input, located by an RFC 6901 JSON pointer (`/incidents/3/kind`).
public struct ValidationProblem: Hashable, Sendable, Codable, CustomStringConvertible {
    public var pointer: String
    public var message: String

    public init(pointer: String, message: String) {
        self.pointer = pointer; self.message = message
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

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let why): why
        }
    }
}
