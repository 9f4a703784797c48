import Domain
import Fluent
import Foundation
import Law
import Store

/// Whole cases brought in as case files, from the API (one at a time) and the command line (many,
/// all or nothing): each read field by field and checked against its jurisdiction's pack before
/// anything is stored, then opened under the same rules as a case opened by hand.
public struct ImportService: Sendable {
    let db: any Database
    let packs: PackLibrary
    let caller: Caller

    public init(db: any Database, packs: PackLibrary, caller: Caller) { self.db = db; self.packs = packs; self.caller = caller }

    public struct Imported: Sendable {
        public var id: UUID
        public var file: CaseFile
        /// What the pack says of the file without refusing it.
        public var warnings: [ValidationProblem]
    }

    /// A case file read and checked: every problem of the format and of the law at once.
    public static func read(_ data: Data, packs: PackLibrary) throws(ValidationFailure) -> CaseFile {
        let file = try CaseFileReader(jurisdictions: packs.codes).read(data: data)
        let problems = CaseFileRules.problems(file, packs: packs)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return file
    }

    /// What the pack says of a file without refusing it (a figure outside its unverified bounds).
    public static func warnings(_ file: CaseFile, packs: PackLibrary) -> [ValidationProblem] { CaseFileRules.warnings(file, packs: packs) }

    /// One case file as a new case: in the caller's unit, kept by an investigator who brings it in.
    public func importCaseFile(_ data: Data) async throws -> Imported {
        var file = try Self.read(data, packs: packs)
        let cases = CaseService(db: db, packs: packs, caller: caller)
        file.case.unit = try await cases.unitForNewCase(file.case.unit, pointer: "/case/unit")
        let id = try await CaseFileStore(db: db).importCaseFile(file, by: caller.principal)
        try await cases.grantToCreator(id)
        return Imported(id: id, file: file, warnings: Self.warnings(file, packs: packs))
    }

    /// Case files already read, stored in one transaction: all or nothing. A problem in the N-th
    /// file is pointed at `/N/…`.
    public func importCaseFiles(_ files: [CaseFile]) async throws -> [UUID] {
        var files = files
        let cases = CaseService(db: db, packs: packs, caller: caller)
        for index in files.indices {
            files[index].case.unit = try await cases.unitForNewCase(files[index].case.unit, pointer: "/\(index)/case/unit")
        }
        let ids = try await CaseFileStore(db: db).importCaseFiles(files, by: caller.principal)
        for id in ids { try await cases.grantToCreator(id) }
        return ids
    }
}
