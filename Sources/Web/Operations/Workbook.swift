import Foundation
import XMLCoder
import ZIPFoundation

/// An Excel workbook (Office Open XML, ECMA-376) of one sheet: a bold header row, then rows of
/// text, whole numbers and dates (as Excel's day numbers, shown in `dateFormat`). Every part is
/// encoded by XMLCoder from the types below and zipped by ZIPFoundation; no XML is written by hand.
struct Workbook {
    enum Value: Sendable, Equatable {
        case text(String)
        case number(Int)
        case date(daysSinceEpoch: Int)
        case empty
    }

    var sheetName: String
    var header: [String]
    var rows: [[Value]]
    /// How dates are shown (an Excel number format): "dd.mm.yyyy" for Russian and Kazakh readers.
    var dateFormat = "yyyy-mm-dd"

    /// The workbook's bytes (a ZIP archive).
    func data() throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ data: Data) throws {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try add("[Content_Types].xml", Self.encode(ContentTypes(), root: "Types", attributes: ["xmlns": Namespace.contentTypes]))
        try add("_rels/.rels", Self.encode(Relationships(relationship: [
            .init(id: "rId1", type: Namespace.officeDocument, target: "xl/workbook.xml"),
        ]), root: "Relationships", attributes: ["xmlns": Namespace.relationships]))
        try add("xl/workbook.xml", Self.encode(WorkbookPart(sheets: .init(sheet: [.init(name: Self.sheetName(sheetName), sheetId: 1, relationship: "rId1")])),
                                               root: "workbook", attributes: ["xmlns": Namespace.main, "xmlns:r": Namespace.documentRelationships]))
        try add("xl/_rels/workbook.xml.rels", Self.encode(Relationships(relationship: [
            .init(id: "rId1", type: Namespace.worksheet, target: "worksheets/sheet1.xml"),
            .init(id: "rId2", type: Namespace.styles, target: "styles.xml"),
        ]), root: "Relationships", attributes: ["xmlns": Namespace.relationships]))
        try add("xl/styles.xml", Self.encode(StyleSheet(dateFormat: dateFormat), root: "styleSheet", attributes: ["xmlns": Namespace.main]))
        try add("xl/worksheets/sheet1.xml", Self.encode(worksheet(), root: "worksheet", attributes: ["xmlns": Namespace.main]))
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    private func worksheet() -> Worksheet {
        var sheetRows = [Worksheet.Row(number: 1, cells: header.enumerated().map { column, title in
            Worksheet.Cell(reference: Self.reference(column, 1), type: "inlineStr", style: Style.bold, inline: .init(text: title))
        })]
        for (index, values) in rows.enumerated() {
            let number = index + 2
            sheetRows.append(Worksheet.Row(number: number, cells: values.enumerated().compactMap { column, value in
                let reference = Self.reference(column, number)
                switch value {
                case .text(let text): return Worksheet.Cell(reference: reference, type: "inlineStr", inline: .init(text: Self.cleaned(text)))
                case .number(let number): return Worksheet.Cell(reference: reference, style: Style.thousands, value: String(number))
                case .date(let days): return Worksheet.Cell(reference: reference, style: Style.date, value: String(days + Self.excelEpochOffset))
                case .empty: return nil
                }
            }))
        }
        let widths = header.indices.map { column in
            min(60, max(10, ([header[column]] + rows.prefix(500).compactMap { row in
                if case .text(let text) = row[safe: column] { return text } else { return nil }
            }).map(\.count).max() ?? 10) + 2)
        }
        return Worksheet(cols: .init(col: widths.enumerated().map { .init(min: $0.offset + 1, max: $0.offset + 1, width: Double($0.element)) }),
                         sheetData: .init(row: sheetRows))
    }

    /// Days from Excel's day 0 (1899-12-30 in its 1900 system) to 1970-01-01.
    static let excelEpochOffset = 25_569

    /// "A1", "B7", "AA3".
    static func reference(_ column: Int, _ row: Int) -> String {
        var letters = "", n = column + 1
        while n > 0 { let rest = (n - 1) % 26; letters = String(UnicodeScalar(65 + rest)!) + letters; n = (n - 1) / 26 }
        return letters + String(row)
    }

    /// A sheet's name: at most 31 characters, none of []:*?/\.
    static func sheetName(_ name: String) -> String {
        String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
    }

    /// XML 1.0 cannot hold most control characters: they are left out of a cell.
    static func cleaned(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }.map(Character.init))
    }

    private static func encode<T: Encodable>(_ value: T, root: String, attributes: [String: String]) throws -> Data {
        let encoder = XMLEncoder()
        return try encoder.encode(value, withRootKey: root, rootAttributes: attributes,
                                  header: XMLHeader(version: 1.0, encoding: "UTF-8", standalone: "yes"))
    }

    enum Namespace {
        static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        static let contentTypes = "http://schemas.openxmlformats.org/package/2006/content-types"
        static let relationships = "http://schemas.openxmlformats.org/package/2006/relationships"
        static let documentRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        static let officeDocument = documentRelationships + "/officeDocument"
        static let worksheet = documentRelationships + "/worksheet"
        static let styles = documentRelationships + "/styles"
    }

    /// The cell formats of `StyleSheet.cellXfs`, by index.
    enum Style {
        static let plain = 0, date = 1, thousands = 2, bold = 3
    }
}

private extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

// MARK: the parts, as XMLCoder encodes them

/// A part's type whose properties are attributes, except those named in `elements`.
private protocol XMLAttributes: Encodable, DynamicNodeEncoding {
    static var elements: Set<String> { get }
}

extension XMLAttributes {
    static var elements: Set<String> { [] }
    static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding {
        elements.contains(key.stringValue) ? .element : .attribute
    }
}

private struct ContentTypes: Encodable {
    struct Default: XMLAttributes { var Extension: String; var ContentType: String }
    struct Override: XMLAttributes { var PartName: String; var ContentType: String }
    var Default = [
        Default(Extension: "rels", ContentType: "application/vnd.openxmlformats-package.relationships+xml"),
        Default(Extension: "xml", ContentType: "application/xml"),
    ]
    var Override = [
        Override(PartName: "/xl/workbook.xml", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        Override(PartName: "/xl/worksheets/sheet1.xml", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"),
        Override(PartName: "/xl/styles.xml", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
    ]
}

private struct Relationships: Encodable {
    struct Relationship: XMLAttributes {
        var id: String, type: String, target: String
        enum CodingKeys: String, CodingKey { case id = "Id", type = "Type", target = "Target" }
    }
    var relationship: [Relationship]
    enum CodingKeys: String, CodingKey { case relationship = "Relationship" }
}

private struct WorkbookPart: Encodable {
    struct Sheets: Encodable {
        struct Sheet: XMLAttributes {
            var name: String, sheetId: Int, relationship: String
            enum CodingKeys: String, CodingKey { case name, sheetId, relationship = "r:id" }
        }
        var sheet: [Sheet]
    }
    var sheets: Sheets
}

private struct StyleSheet: Encodable {
    struct Counted<Item: Encodable & Sendable>: XMLAttributes {
        static var elements: Set<String> { ["items"] }
        var count: Int
        var items: [Item]
        let name: String
        init(_ name: String, _ items: [Item]) { self.name = name; self.items = items; count = items.count }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(count, forKey: AnyKey("count"))
            try container.encode(items, forKey: AnyKey(name))
        }
        static func nodeEncoding(for key: any CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "count" ? .attribute : .element }
    }
    struct NumberFormat: XMLAttributes { var numFmtId: Int; var formatCode: String }
    struct Value<T: Encodable & Sendable>: XMLAttributes { var val: T }
    struct Empty: Encodable {}
    struct Font: XMLAttributes {
        static var elements: Set<String> { ["b", "sz", "name"] }
        var b: Empty?; var sz = Value(val: 11); var name = Value(val: "Calibri")
    }
    struct Pattern: XMLAttributes { var patternType: String }
    struct CellStyle: XMLAttributes { var name: String, xfId: Int, builtinId: Int }
    struct Fill: Encodable { var patternFill: Pattern }
    struct Border: Encodable { var left = Empty(), right = Empty(), top = Empty(), bottom = Empty(), diagonal = Empty() }
    struct Format: XMLAttributes {
        var numFmtId: Int, fontId: Int, fillId = 0, borderId = 0
        var xfId: Int?, applyNumberFormat: Int?, applyFont: Int?
    }
    var numFmts: Counted<NumberFormat>
    init(dateFormat: String) { numFmts = Counted("numFmt", [NumberFormat(numFmtId: 164, formatCode: dateFormat)]) }
    var fonts = Counted("font", [Font(b: nil), Font(b: Empty())])
    var fills = Counted("fill", [Fill(patternFill: .init(patternType: "none")), Fill(patternFill: .init(patternType: "gray125"))])
    var borders = Counted("border", [Border()])
    var cellStyleXfs = Counted("xf", [Format(numFmtId: 0, fontId: 0)])
    /// Indexed by `Workbook.Style`.
    var cellXfs = Counted("xf", [
        Format(numFmtId: 0, fontId: 0, xfId: 0),
        Format(numFmtId: 164, fontId: 0, xfId: 0, applyNumberFormat: 1),
        Format(numFmtId: 3, fontId: 0, xfId: 0, applyNumberFormat: 1),
        Format(numFmtId: 0, fontId: 1, xfId: 0, applyFont: 1),
    ])
    var cellStyles = Counted("cellStyle", [CellStyle(name: "Normal", xfId: 0, builtinId: 0)])
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private struct Worksheet: Encodable {
    struct Columns: Encodable {
        struct Column: XMLAttributes { var min: Int, max: Int, width: Double, customWidth = 1 }
        var col: [Column]
    }
    struct Row: XMLAttributes {
        static var elements: Set<String> { ["c"] }
        var r: Int
        var c: [Cell]
        init(number: Int, cells: [Cell]) { r = number; c = cells }
    }
    struct Cell: XMLAttributes {
        static var elements: Set<String> { ["v", "is"] }
        struct Inline: Encodable {
            struct Text: XMLAttributes {
                static var elements: Set<String> { [""] }
                var space = "preserve"
                var value: String
                enum CodingKeys: String, CodingKey { case space = "xml:space", value = "" }
            }
            var t: Text
            init(text: String) { t = Text(value: text) }
        }
        var r: String, t: String?, s: Int?
        var v: String?
        var inline: Inline?
        init(reference: String, type: String? = nil, style: Int? = nil, value: String? = nil, inline: Inline? = nil) {
            r = reference; t = type; s = style; v = value; self.inline = inline
        }
        enum CodingKeys: String, CodingKey { case r, t, s, v, inline = "is" }
    }
    var cols: Columns
    var sheetData: SheetData
    struct SheetData: Encodable { var row: [Row] }
}
