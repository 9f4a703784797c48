import Foundation

/// Reads and validates a case file (contract: CASEFILE.md). All or nothing: it returns a whole
/// `CaseFile`, or throws `ValidationFailure` listing every problem by JSON pointer.
public struct CaseFileReader: Sendable {
    /// Used to refuse timestamps in the future.
    public var now: Date
    public var jurisdictions: Set<String>

    public init(now: Date = Date(), jurisdictions: Set<String> = Jurisdictions.known) {
        self.now = now; self.jurisdictions = jurisdictions
    }

    public func read(data: Data) throws(ValidationFailure) -> CaseFile {
        try read(JSONDocument.parse(data))
    }

    public func read(_ root: JSONValue) throws(ValidationFailure) -> CaseFile {
        let log = ProblemLog()
        let doc = JSONNode(root, log: log)
        guard doc.object() != nil else { throw ValidationFailure(log.problems) }
        let fields = FieldReader(now: now)

        if let format = doc["format"].string(), format != CaseFile.formatName {
            doc["format"].fail("must be \"\(CaseFile.formatName)\", not \"\(format)\"")
        }
        if let version = doc["version"].int(), version != CaseFile.currentVersion {
            doc["version"].fail("version \(version) is not supported (this server reads version \(CaseFile.currentVersion))")
        }
        let jurisdiction = doc["jurisdiction"].string()
        if let jurisdiction, !jurisdictions.contains(jurisdiction) {
            doc["jurisdiction"].fail("unknown jurisdiction \"\(jurisdiction)\" (known: \(jurisdictions.sorted().joined(separator: ", ")))")
        }
        let header = fields.header(doc["case"])
        let persons = doc["persons"].array { fields.person($0) }
        let incidents = doc["incidents"].array { fields.incident($0) }
        let orders = doc["protectiveOrders"].array(required: false) { fields.order($0) }
        let adminCases = doc["administrativeCases"].array(required: false) { fields.administrativeCase($0) }
        let proceedings = doc["criminalProceedings"].array(required: false) { fields.proceeding($0) }
        let verdicts = doc["verdicts"].array(required: false) { fields.verdict($0) }
        let risk = doc["riskAssessments"].array(required: false) { fields.riskAssessment($0) }
        let devices = doc["devices"].array(required: false) { fields.device($0) }

        let refs = ReferenceChecker(doc: doc)
        let personIDs = refs.uniqueIDs("persons")
        let incidentIDs = refs.uniqueIDs("incidents")
        let orderIDs = refs.uniqueIDs("protectiveOrders")
        refs.uniqueIDs("administrativeCases")
        let proceedingIDs = refs.uniqueIDs("criminalProceedings")
        refs.uniqueIDs("verdicts")
        refs.uniqueIDs("devices")
        refs.uniqueIDs("riskAssessments")
        refs.check("incidents", field: "violates", list: true, against: orderIDs, what: "protective order")
        refs.check("administrativeCases", field: "incidents", list: true, against: incidentIDs, what: "incident")
        refs.check("criminalProceedings", field: "incidents", list: true, against: incidentIDs, what: "incident")
        refs.check("verdicts", field: "proceeding", list: false, against: proceedingIDs, what: "criminal proceeding")
        refs.check("devices", field: "person", list: false, against: personIDs, what: "person")
        refs.check("riskAssessments", field: "knownIncidents", list: true, against: incidentIDs, what: "incident")

        guard log.isEmpty, let jurisdiction, let header, let persons, let incidents else {
            throw ValidationFailure(log.problems)
        }
        return CaseFile(jurisdiction: jurisdiction, case: header, persons: persons, incidents: incidents,
                        protectiveOrders: orders ?? [], administrativeCases: adminCases ?? [],
                        criminalProceedings: proceedings ?? [], verdicts: verdicts ?? [],
                        riskAssessments: risk, devices: devices)
    }
}

/// Parses bytes as JSON, turning a syntax error into a validation problem at the root.
public enum JSONDocument {
    public static func parse(_ data: Data) throws(ValidationFailure) -> JSONValue {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw ValidationFailure(pointer: "", message: "not valid JSON" + (reason.map { ": \($0)" } ?? ""), isMalformed: true)
        }
        return JSONValue(foundation: object)
    }
}

extension JSONValue {
    /// The class Foundation uses for JSON true and false, told apart from numbers 1 and 0.
    private static let booleanClass: AnyClass = type(of: NSNumber(value: true))

    /// Converts what `JSONSerialization` returns.
    init(foundation value: Any) {
        switch value {
        case let string as String: self = .string(string)
        case let number as NSNumber:
            if type(of: number) == JSONValue.booleanClass { self = .bool(number.boolValue); return }
            // A literal with a fraction or an exponent is a double; any other is an integer.
            let kind = String(cString: number.objCType)
            guard kind == "d" || kind == "f" else { self = .int(number.intValue); return }
            // On Linux a fraction comes as an NSDecimalNumber, whose `doubleValue` can be off in the
            // last bit (-19.83064528957111 became -19.830645289571112): its exact decimal text is
            // read as a Double instead, correctly rounded as JSONDecoder does.
            if let decimal = number as? NSDecimalNumber, let exact = Double(decimal.description) { self = .double(exact); return }
            self = .double(number.doubleValue)
        case let array as [Any]: self = .array(array.map(JSONValue.init(foundation:)))
        case let object as [String: Any]: self = .object(object.mapValues(JSONValue.init(foundation:)))
        default: self = .null
        }
    }
}

/// Checks that local ids are unique within a section and that references name ids that exist.
struct ReferenceChecker {
    let doc: JSONNode

    @discardableResult
    func uniqueIDs(_ section: String) -> Set<String> {
        var seen: Set<String> = []
        for node in doc[section].elements(required: false) ?? [] {
            guard case .string(let id)? = node["id"].value else { continue }
            if !seen.insert(id).inserted { node["id"].fail("duplicate id \"\(id)\" in \(section)") }
        }
        return seen
    }

    func check(_ section: String, field: String, list: Bool, against ids: Set<String>, what: String) {
        for node in doc[section].elements(required: false) ?? [] {
            let targets: [JSONNode] = list ? (node[field].elements(required: false) ?? []) : [node[field]]
            for target in targets {
                guard case .string(let ref)? = target.value else { continue } // types are FieldReader's
                if !ids.contains(ref) { target.fail("refers to \(what) \"\(ref)\", which is not in the file") }
            }
        }
    }
}
