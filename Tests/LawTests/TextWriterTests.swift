@testable import Law
import Domain
import Testing

/// The writer behind every explanation: what it writes on the stack and what outgrows it.
@Suite struct TextWriterTests {
    @Test(arguments: [16, 64, 4096])
    func textIsWhatWasWrittenWhateverTheBlock(capacity: Int) {
        let word = "эпизод-Ω-7"
        let text = TextWriter.text(capacity: capacity) { out in
            for i in 0..<300 {
                if i > 0 { out.write(byte: UInt8(ascii: ",")) }
                out.write(word)
                out.write(number: i)
            }
            out.write(byte: UInt8(ascii: " "))
            out.write(date: LocalDate(year: 2025, month: 9, day: 16)!)
            out.rewrite(from: 0, length: word.utf8.count) // the first word again
        }
        let expected = (0..<300).map { "\(word)\($0)" }.joined(separator: ",") + " 2025-09-16" + word
        #expect(text == expected)
    }

    @Test func emptyText() {
        #expect(TextWriter.text(capacity: 16) { _ in } == "")
    }
}
