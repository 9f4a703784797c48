import Domain
import Foundation
import Store
import Vapor

/// `GET /audit/export.csv`: the records the auditor's filters select (a period, an actor, an
/// action, a case), oldest first, with each record's hash and the one before it, so that an
/// outside party can check the links of the period it was given against the head it holds.
struct AuditExport {
    static let header = "seq,id,at,actor,actor_name,action,case_number,target,detail,prev,hash\r\n"

    func csv(req: Request) async throws -> Response {
        let selection = try await AuditPage.selection(req)
        guard !selection.caseMissing else { throw Abort(.notFound, reason: "case not found") }
        let db = req.db, logger = req.logger
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        let period = [selection.filter.from, selection.filter.to].filter { !$0.isEmpty }.joined(separator: "_")
        headers.add(name: .contentDisposition, value: "attachment; filename=\"audit\(period.isEmpty ? "" : "-" + period).csv\"")
        let body = Response.Body(asyncStream: { writer in
            do {
                try await writer.write(.buffer(ByteBuffer(string: Self.header)))
                var cursor: Cursor?
                var pages: [[AuditRecord]] = []
                // the store reads newest first; the export is written oldest first
                repeat {
                    let page = try await AuditStore(db: db).list(action: selection.action, caseID: selection.caseID, actor: selection.actor,
                                                                 from: selection.from, to: selection.to, limit: 2000, after: cursor)
                    pages.append(page.items)
                    cursor = page.nextCursor.flatMap { Cursor($0) }
                } while cursor != nil
                for page in pages.reversed() {
                    let records = page.reversed()
                    let names = try await UserStore(db: db).displayNames(Set(records.compactMap { UUID(uuidString: $0.actor) }))
                    let numbers = try await DashboardReads(db: db).summaries(Array(Set(records.compactMap(\.caseID)))).mapValues(\.number)
                    let lines = records.map { record in
                        [String(record.seq), record.id.apiString, Timestamp.text(record.at), LedgerCSV.text(record.actor),
                         LedgerCSV.text(UUID(uuidString: record.actor).flatMap { names[$0] } ?? ""), LedgerCSV.text(record.action),
                         LedgerCSV.text(record.caseID.flatMap { numbers[$0] ?? nil } ?? ""), LedgerCSV.text(record.target ?? ""),
                         LedgerCSV.text(record.detail ?? ""), record.prev, record.hash].joined(separator: ",") + "\r\n"
                    }
                    try await writer.write(.buffer(ByteBuffer(string: lines.joined())))
                }
                try await writer.write(.end)
            } catch {
                logger.error("audit export failed: \(String(describing: type(of: error)))")
                try await writer.write(.error(error))
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }
}
