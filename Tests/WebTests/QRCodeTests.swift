import Foundation
import Testing
@testable import Web

/// The QR codes the second factor's enrolment shows, module for module against those the Python
/// `qrcode` library makes of the same texts with the same mask (`Fixtures/qr-codes.json`, made
/// once by that library): versions 1 to 29, one block and several of two lengths, with and
/// without the version information, Cyrillic in UTF-8.
struct QRCodeTests {
    struct Expected: Decodable { var text: String; var mask: Int; var version: Int; var rows: [String] }

    static let expected: [Expected] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/qr-codes.json")
        return (try? JSONDecoder().decode([Expected].self, from: Data(contentsOf: url))) ?? []
    }()

    @Test func matchesAnotherImplementationModuleForModule() throws {
        #expect(Self.expected.count == 8)
        for expected in Self.expected {
            let code = try QRCode(expected.text, mask: expected.mask)
            #expect(code.version == expected.version, "version of \(expected.text.prefix(20))")
            let rows = code.modules.map { row in String(row.map { $0 ? "1" : "0" }) }
            #expect(rows == expected.rows, "modules of \(expected.text.prefix(20)) with mask \(expected.mask)")
        }
    }

    @Test func choosesAMaskAndRefusesWhatCannotFit() throws {
        let code = try QRCode("otpauth://totp/Qorgau:officer?secret=JBSWY3DPEHPK3PXP&issuer=Qorgau")
        #expect((0..<8).contains(code.mask))
        #expect(code.svgPath.hasPrefix("M4 4h1v1h-1z"), "the finder's corner is dark, inside the quiet zone")
        #expect(throws: QRCode.TooLong.self) { try QRCode(String(repeating: "x", count: 2400)) }
    }
}
