import Domain
import Foundation

/// The risk instruments and levels in force: the shipped ones, plus a deployment's instruments
/// (or corrections of ours, by the same file name) in `QORGAU_RISK_INSTRUMENTS`.
public struct RiskLibrary: Sendable {
    public let instruments: [String: Instrument]
    public let levels: RiskLevels

    public init(instruments: [Instrument], levels: RiskLevels) {
        self.instruments = Dictionary(instruments.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        self.levels = levels
    }

    /// The instrument used when none is named.
    public static let defaultInstrument = "S-DASH"

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RiskLibrary {
        let folder = Bundle.module.resourceURL!.appendingPathComponent("risk")
        var files = try PackLibrary.yamlFiles(in: folder.appendingPathComponent("instruments"))
        if let extra = environment["QORGAU_RISK_INSTRUMENTS"], !extra.isEmpty {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: extra, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw PackError(file: extra, message: "QORGAU_RISK_INSTRUMENTS must name a folder of risk instruments (ID.yaml)")
            }
            for file in try PackLibrary.yamlFiles(in: URL(fileURLWithPath: extra)) {
                files.removeAll { $0.lastPathComponent == file.lastPathComponent }
                files.append(file)
            }
        }
        let levels = try read(RiskLevels.self, folder.appendingPathComponent("levels.yaml"))
        let instruments = try files.map { file -> Instrument in
            let instrument = try read(Instrument.self, file)
            if let problem = problem(in: instrument, levels: levels) { throw PackError(file: file.lastPathComponent, message: problem) }
            return instrument
        }
        guard instruments.contains(where: { $0.id == defaultInstrument }) else {
            throw PackError(file: "instruments", message: "the \(defaultInstrument) instrument is missing")
        }
        return RiskLibrary(instruments: instruments, levels: levels)
    }

    /// Loaded once per process, like the jurisdiction packs.
    public static let shared: Result<RiskLibrary, PackError> = {
        do { return .success(try load()) } catch let error as PackError { return .failure(error) } catch {
            return .failure(PackError(file: "risk", message: "\(error)"))
        }
    }()

    public static func loaded() throws -> RiskLibrary { try shared.get() }

    public func instrument(_ id: String) throws -> Instrument {
        guard let instrument = instruments[id] else {
            throw ValidationFailure(pointer: "/instrument",
                                    message: "unknown instrument \"\(id)\" (known: \(instruments.keys.sorted().joined(separator: ", ")))")
        }
        return instrument
    }

    static func read<T: Decodable>(_ type: T.Type, _ file: URL) throws -> T {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw PackError(file: file.lastPathComponent, message: "cannot read the file as UTF-8")
        }
        return try PackLoader.decode(T.self, text: text, fileName: file.lastPathComponent).0
    }

    static func problem(in instrument: Instrument, levels: RiskLevels) -> String? {
        let ids = instrument.questions.map(\.id)
        if Set(ids).count != ids.count { return "question ids must be unique" }
        if let yes = instrument.ruleOfUse.orYes, !ids.contains(yes) { return "ruleOfUse.orYes names no question: \(yes)" }
        for rule in instrument.levelRule.rules {
            if rule.level == .notAssessed { return "levelRule: an assessment computes low, medium, high or extreme" }
            for id in (rule.allYes ?? []) + (rule.anyYes ?? []) where !ids.contains(id) { return "levelRule names no question: \(id)" }
        }
        guard let last = instrument.levelRule.rules.last, last.minYes == nil, last.allYes == nil, last.anyYes == nil else {
            return "levelRule: the last rule must hold always (a level with no conditions)"
        }
        for level in RiskLevel.allCases where level != .notAssessed && levels[level] == nil {
            return "levels.yaml has no entry for \(level.rawValue)"
        }
        return nil
    }
}
