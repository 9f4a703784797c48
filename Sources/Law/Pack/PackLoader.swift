import Foundation
import Yams

/// A pack that cannot be used: the file, the line (when known) and what is wrong.
public struct PackError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var message: String

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}

/// The jurisdiction packs in force: the ones shipped with Qorgau, each replaced by a file of the
/// same code in `QORGAU_PACKS` when a deployment corrects a figure without a release.
public struct PackLibrary: Sendable {
    public let packs: [String: JurisdictionPack]
    /// One assessor per pack, made once: an assessor plans its offences (rules, fixed prose) when made.
    let assessors: [String: Assessor]

    public init(packs: [JurisdictionPack]) {
        self.packs = Dictionary(packs.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
        self.assessors = self.packs.mapValues(Assessor.init(pack:))
    }

    public subscript(code: String) -> JurisdictionPack? { packs[code] }

    public var codes: Set<String> { Set(packs.keys) }

    /// The shipped packs, overridden by `QORGAU_PACKS` when set. Throws the first malformed pack.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PackLibrary {
        var files = try yamlFiles(in: bundledFolder)
        if let folder = environment["QORGAU_PACKS"], !folder.isEmpty {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw PackError(file: folder, message: "QORGAU_PACKS must name a folder of jurisdiction packs (CODE.yaml)")
            }
            for file in try yamlFiles(in: URL(fileURLWithPath: folder)) {
                files.removeAll { $0.lastPathComponent == file.lastPathComponent }
                files.append(file)
            }
        }
        return PackLibrary(packs: try files.map(PackLoader.load(file:)))
    }

    /// Loaded once per process; the server and every command load it at start so a bad pack stops them.
    public static let shared: Result<PackLibrary, PackError> = {
        do { return .success(try load()) } catch let error as PackError { return .failure(error) } catch {
            return .failure(PackError(file: "packs", message: "\(error)"))
        }
    }()

    static var bundledFolder: URL { Bundle.module.resourceURL!.appendingPathComponent("jurisdictions") }

    static func yamlFiles(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }
}

/// Reads one pack file: YAML syntax, then the structure, then the rules of `PackValidator`,
/// each problem located by line.
public enum PackLoader {
    public static func load(file: URL) throws -> JurisdictionPack {
        let name = file.lastPathComponent
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw PackError(file: name, message: "cannot read the file as UTF-8")
        }
        return try load(text: text, fileName: name)
    }

    public static func load(text: String, fileName: String) throws -> JurisdictionPack {
        let (pack, node) = try decode(JurisdictionPack.self, text: text, fileName: fileName)
        let expectedCode = (fileName as NSString).deletingPathExtension
        if let problem = PackValidator(pack: pack, expectedCode: expectedCode).firstProblem() {
            throw PackError(file: fileName, line: locate(problem.path, in: node), message: problem.message)
        }
        return pack
    }

    /// Reads a YAML data file into `T`, a problem located by file and line; the node is kept so
    /// that later checks can locate theirs too.
    static func decode<T: Decodable>(_ type: T.Type, text: String, fileName: String) throws -> (T, Node) {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw PackError(file: fileName, line: 1, message: "the file is empty")
            }
            node = composed
        } catch let error as YamlError {
            throw PackError(file: fileName, line: line(of: error), message: "not valid YAML: \(error)")
        }
        do {
            return (try YAMLDecoder().decode(T.self, from: node), node)
        } catch let error as DecodingError {
            let (path, message) = describe(error)
            throw PackError(file: fileName, line: locate(path, in: node), message: message)
        }
    }

    /// The line of the node at `path` (mapping keys and sequence indices), or of its nearest parent.
    static func locate(_ path: [String], in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        for component in path {
            if let mapping = node.mapping, let child = mapping[Node(component)] {
                node = child
            } else if let sequence = node.sequence, let index = Int(component), sequence.indices.contains(index) {
                node = sequence[index]
            } else {
                break
            }
            line = node.mark?.line ?? line
        }
        return line
    }

    static func describe(_ error: DecodingError) -> ([String], String) {
        func path(_ keys: [any CodingKey]) -> [String] { keys.map { $0.intValue.map(String.init) ?? $0.stringValue } }
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath), "\(path(context.codingPath + [key]).joined(separator: ".")) is required")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return (path(context.codingPath), "\(path(context.codingPath).joined(separator: ".")): \(context.debugDescription)")
        case .dataCorrupted(let context):
            let where_ = path(context.codingPath).joined(separator: ".")
            return (path(context.codingPath), "\(where_): \(context.debugDescription)")
        @unknown default:
            return ([], "\(error)")
        }
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}
