/// Collects the problems found while reading one document.
public final class ProblemLog: @unchecked Sendable {
    public private(set) var problems: [ValidationProblem] = []
    public init() {}
    public func add(_ pointer: String, _ message: String, code: ProblemCode? = nil, values: [String: String]? = nil) {
        problems.append(.init(pointer: pointer, message: message, code: code, values: values))
    }
    public var isEmpty: Bool { problems.isEmpty }
}

/// A position in a JSON document being validated: the value (nil when absent), its pointer, and the log.
/// Each accessor returns the typed value or nil, logging why when the value is present but wrong
/// or absent but required.
public struct JSONNode: Sendable {
    public let value: JSONValue?
    public let pointer: String
    public let log: ProblemLog

    public init(_ value: JSONValue?, pointer: String = "", log: ProblemLog) {
        self.value = value; self.pointer = pointer; self.log = log
    }

    public subscript(key: String) -> JSONNode {
        let needsEscape = key.utf8.contains { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }
        let escaped = needsEscape ? key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") : key
        var child: JSONValue?
        if case .object(let o)? = value { child = o[key] }
        if case .null? = child { child = nil }
        return JSONNode(child, pointer: pointer + "/" + escaped, log: log)
    }

    public var isPresent: Bool { value != nil }

    public func fail(_ message: String) { log.add(pointer, message) }

    /// A problem the pages say in their language (`code`), and in English for the API's `message`.
    public func fail(_ message: String, code: ProblemCode, values: [String: String] = [:]) {
        log.add(pointer, message, code: code, values: values.isEmpty ? nil : values)
    }

    private func missing(_ required: Bool) -> Bool {
        if value == nil { if required { fail("is required", code: .required) }; return true }
        return false
    }

    private func wrongType(_ expected: String) { fail("must be \(expected), not \(value?.typeName ?? "absent")", code: .type) }

    public func object(required: Bool = true) -> [String: JSONValue]? {
        if missing(required) { return nil }
        guard case .object(let o)? = value else { wrongType("an object"); return nil }
        return o
    }

    public func string(required: Bool = true, nonEmpty: Bool = true, maxLength: Int = 100_000) -> String? {
        if missing(required) { return nil }
        guard case .string(let s)? = value else { wrongType("a string"); return nil }
        if nonEmpty, s.allSatisfy(\.isWhitespace) { fail("must not be empty", code: .empty); return nil }
        if let control = Self.forbiddenControl(in: s) {
            fail(String(format: "must not contain the control character U+%04X (only tab and line breaks are allowed in text)", control),
                 code: .control, values: ["character": String(format: "U+%04X", control)])
            return nil
        }
        // counted in Unicode scalars: a character can carry any number of combining marks
        if s.unicodeScalars.count > maxLength { fail("is longer than \(maxLength) characters", code: .tooLong, values: ["max": String(maxLength)]); return nil }
        return s
    }

    /// The first control character in a text (C0, DEL, C1) other than tab, line feed and a
    /// carriage return before a line feed. A NUL in particular: SQLite reads text back only up to it, so what was
    /// stored would not be what was acknowledged (and the audit chain would no longer verify).
    public static func forbiddenControl(in text: String) -> UInt32? {
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if previous == "\r", scalar != "\n" { return 0x0D }
            if scalar.value < 0x20, scalar != "\t", scalar != "\n", scalar != "\r" { return scalar.value }
            if (0x7F...0x9F).contains(scalar.value) { return scalar.value } // DEL and the C1 controls
            previous = scalar
        }
        return previous == "\r" ? 0x0D : nil
    }

    public func bool(required: Bool = true) -> Bool? {
        if missing(required) { return nil }
        guard case .bool(let b)? = value else { wrongType("true or false"); return nil }
        return b
    }

    public func double(required: Bool = true, in range: ClosedRange<Double>? = nil, rangeName: String? = nil) -> Double? {
        if missing(required) { return nil }
        let d: Double
        switch value {
        case .int(let i)?: d = Double(i)
        case .double(let x)?: d = x
        default: wrongType("a number"); return nil
        }
        if let range, !range.contains(d) {
            fail("\(d) is out of range: \(rangeName ?? "must be between \(range.lowerBound) and \(range.upperBound)")", code: .range,
                 values: ["min": String(format: "%g", range.lowerBound), "max": String(format: "%g", range.upperBound)])
            return nil
        }
        return d
    }

    public func int(required: Bool = true, in range: ClosedRange<Int>? = nil) -> Int? {
        if missing(required) { return nil }
        guard case .int(let i)? = value else {
            if case .double? = value { fail("must be a whole number", code: .wholeNumber) } else { wrongType("a whole number") }
            return nil
        }
        if let range, !range.contains(i) {
            fail("\(i) is out of range: must be between \(range.lowerBound) and \(range.upperBound)", code: .range,
                 values: ["min": String(range.lowerBound), "max": String(range.upperBound)]); return nil
        }
        return i
    }

    public func word<V: Vocabulary>(_ type: V.Type, required: Bool = true) -> V? {
        guard let s = string(required: required, nonEmpty: false) else { return nil }
        guard let v = V(rawValue: s) else {
            fail("unknown \(V.vocabularyName) \"\(s)\" (expected one of: \(V.words.joined(separator: ", ")))", code: .unknownWord, values: ["value": s])
            return nil
        }
        return v
    }

    public func dateTime(required: Bool = true) -> ZonedDateTime? {
        guard let s = string(required: required, nonEmpty: false) else { return nil }
        guard let t = ZonedDateTime(s) else {
            fail("\"\(s)\" is not a date-time with offset, e.g. 2025-10-20T19:40:00+05:00", code: .dateTime, values: ["value": s]); return nil
        }
        return t
    }

    public func date(required: Bool = true) -> LocalDate? {
        guard let s = string(required: required, nonEmpty: false) else { return nil }
        guard let d = LocalDate(s) else { fail("\"\(s)\" is not a calendar date YYYY-MM-DD", code: .date, values: ["value": s]); return nil }
        return d
    }

    /// The elements of an array, each as a node; nil when absent or not an array.
    public func elements(required: Bool = true) -> [JSONNode]? {
        if missing(required) { return nil }
        guard case .array(let a)? = value else { wrongType("an array"); return nil }
        return a.enumerated().map { i, v in
            let element: JSONValue? = if case .null = v { nil } else { v }
            return JSONNode(element, pointer: pointer + "/\(i)", log: log)
        }
    }

    /// Reads every element with `read`, keeping those that came out whole.
    public func array<T>(required: Bool = true, _ read: (JSONNode) -> T?) -> [T]? {
        elements(required: required).map { $0.compactMap(read) }
    }
}

extension JSONNode {
    /// Throws every problem logged while reading this document.
    public func throwIfInvalid() throws {
        if !log.isEmpty { throw ValidationFailure(log.problems) }
    }
}
