import Law

/// The Fund ledger as CSV lines (RFC 4180): a field with a comma, a quote or a line break is
/// quoted, and a text that a spreadsheet would take for a formula (=, +, -, @, tab, CR first)
/// is led by an apostrophe, so that opening the export runs nothing.
package enum LedgerCSV {
    static let header = "case_number,verdict,person,iin,decided,units,unit,amount,currency,due,paid,status,document\r\n"

    package static func line(_ entry: FundLedger.Entry) -> String {
        [text(entry.caseNumber ?? ""), text(entry.verdict), text(entry.person), text(entry.iin ?? ""), entry.decidedAt.description,
         String(entry.units), text(entry.unit), String(entry.amount), text(entry.currency), entry.dueDate.description,
         entry.paidAt?.description ?? "", entry.status.rawValue, text(entry.document ?? "")].joined(separator: ",") + "\r\n"
    }

    static func text(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
