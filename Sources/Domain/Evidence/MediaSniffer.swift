/// The media types accepted as evidence, recognised by their first bytes, never by a file's name
/// or the type a client claims: screenshots and photos, audio and video recordings, documents.
public enum MediaSniffer {
    /// How many leading bytes `mediaType(of:)` needs to decide.
    public static let prefixLength = 512

    public static let accepted: [String] = [
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "application/pdf", "video/mp4",
        "video/quicktime", "video/webm", "audio/mp4", "audio/mpeg", "audio/ogg", "audio/wav", "audio/amr", "text/plain",
    ]

    /// The media type the bytes begin like, or nil when they are not one Qorgau accepts.
    /// `complete` says the bytes are the whole file (a short text file is judged on all of it).
    public static func mediaType(of bytes: [UInt8], complete: Bool = false) -> String? {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        func ascii(_ text: String, at offset: Int = 0) -> Bool { starts(Array(text.utf8), at: offset) }

        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if ascii("GIF87a") || ascii("GIF89a") { return "image/gif" }
        if ascii("RIFF"), ascii("WEBP", at: 8) { return "image/webp" }
        if ascii("RIFF"), ascii("WAVE", at: 8) { return "audio/wav" }
        if ascii("%PDF-") { return "application/pdf" }
        if ascii("OggS") { return "audio/ogg" }
        if ascii("#!AMR") { return "audio/amr" }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return "video/webm" }
        if ascii("ftyp", at: 4), bytes.count >= 12 {
            let brand = String(decoding: bytes[8..<12], as: UTF8.self)
            switch brand {
            case "heic", "heix", "heim", "heis", "mif1", "msf1": return "image/heic"
            case "qt  ": return "video/quicktime"
            case "M4A ", "M4B ": return "audio/mp4"
            default: return "video/mp4"
            }
        }
        if ascii("ID3") || (bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0) { return "audio/mpeg" }
        if isText(bytes, complete: complete) { return "text/plain" }
        return nil
    }

    /// UTF-8 without control characters other than tab, line feed, carriage return and form
    /// feed (a chat export, a typed statement). A cut in the middle of a character at the end of
    /// a prefix is allowed.
    static func isText(_ bytes: [UInt8], complete: Bool) -> Bool {
        guard !bytes.isEmpty else { return false }
        if bytes.contains(where: { $0 < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains($0) } ) { return false }
        var end = bytes.count
        if !complete {
            // Drop an unfinished character at the end of the prefix.
            var back = 0
            while back < 3, end - back - 1 >= 0, bytes[end - back - 1] & 0xC0 == 0x80 { back += 1 }
            if end - back - 1 >= 0, bytes[end - back - 1] >= 0xC0 { end = end - back - 1 }
        }
        var decoder = UTF8()
        var iterator = bytes[0..<end].makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
