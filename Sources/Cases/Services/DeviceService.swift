import Domain
import Fluent
import Foundation
import Store

/// The monitoring devices of a case (a respondent's bracelet, a victim's phone), registered,
/// replaced and returned from the API and the monitoring page alike. A device reports under its
/// own id, so an id worn in another open case is refused; a replaced or returned device keeps its
/// last version with the reason. The engines follow through the change signal.
public struct DeviceService: Sendable {
    let db: any Database
    let principal: Principal

    public init(db: any Database, principal: Principal) { self.db = db; self.principal = principal }

    private var store: RecordStore<Device> { RecordStore(db: db, section: .devices) }

    /// Body: `{"id", "person", "kind": "bracelet"|"phone", "intervalSeconds"}`; the person is the
    /// respondent or the victim of the case, by their case-file id.
    public func register(_ caseID: UUID, _ body: JSONNode) async throws -> Device {
        let device = FieldReader().device(body)
        try body.throwIfInvalid()
        try await check(device!, in: caseID, pointer: "")
        return try await store.add(device!, ref: device!.id, to: caseID, scope: principal.scope, within: Self.free(device!.id)).value
    }

    /// Body: `{"id": the new device's id, "reason": "…"}`: the same person, kind and interval on a
    /// new device; the old one is taken off with the reason.
    public func replace(_ caseID: UUID, _ deviceID: String, _ body: JSONNode) async throws -> Device {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let newID = body["id"].string(maxLength: 200)
        let reason = body["reason"].string(maxLength: 2000)
        try body.throwIfInvalid()
        let old = try await store.get(deviceID, caseID: caseID, scope: principal.scope).value
        var device = old
        device.id = newID!
        if device.id == old.id {
            throw ValidationFailure([ValidationProblem(pointer: "/id", message: "the new device has the old one's id", code: .unchanged)])
        }
        try await check(device, in: caseID, pointer: "")
        return try await store.replace(deviceID, with: device, ref: device.id, caseID: caseID, reason: reason!, by: principal,
                                       within: Self.free(device.id)).value
    }

    /// Takes a device off the case (returned, lost, broken), with the reason.
    public func remove(_ caseID: UUID, _ deviceID: String, reason: String) async throws {
        try await store.remove(deviceID, caseID: caseID, reason: reason, by: principal)
    }

    public func list(_ caseID: UUID) async throws -> [Device] {
        try await store.list(caseID: caseID, scope: principal.scope).map(\.value)
    }

    /// The id checked again inside the write, after any other registration has committed: two
    /// officers registering one device at once get one case each, never both.
    static func free(_ id: String) -> @Sendable (any Database) async throws -> Void {
        { tx in
            if try await DeviceRecords(db: tx).isWorn(id) {
                throw ValidationFailure([ValidationProblem(pointer: "/id", message: "device \"\(id)\" is worn in an open case already",
                                                          code: .deviceTaken, values: ["value": id])])
            }
        }
    }

    private func check(_ device: Device, in caseID: UUID, pointer: String) async throws {
        let file = try await CaseFileStore(db: db).exportCaseFile(caseID: caseID, scope: principal.scope)
        var problems: [ValidationProblem] = []
        if device.id.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._:-]{0,99}/) == nil { // a new id given to a replacement
            problems.append(ValidationProblem(pointer: pointer + "/id", message: "a device id is 1 to 100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
                                              code: .deviceIDFormat))
        }
        if !file.persons.contains(where: { $0.id == device.person && ($0.role == .respondent || $0.role == .victim) }) {
            problems.append(ValidationProblem(pointer: pointer + "/person", message: "no respondent or victim \"\(device.person)\" in this case",
                                              code: .unknownPerson, values: ["value": device.person]))
        }
        if try await DeviceRecords(db: db).isWorn(device.id) {
            problems.append(ValidationProblem(pointer: pointer + "/id", message: "device \"\(device.id)\" is worn in an open case already",
                                              code: .deviceTaken, values: ["value": device.id]))
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }
}
