import Vapor

/// Reads a multipart body the way MultipartKit's `MultipartParser` (4.7) does, state for state,
/// without keeping anything, and refuses it where that parser would refuse it or crash.
///
/// The parser looks every byte of a part header's *name* up in a 128-entry table: a byte of 0x80
/// or more indexes past it and aborts the process. Every body that reaches the parser (Vapor's
/// `FormDataDecoder` or the streamed evidence upload) is first fed through this guard, which
/// follows the same transitions and throws instead; a body it accepts drives the parser through
/// the same states, so the parser never meets such a byte. An empty boundary, which the parser's
/// initialiser rejects with a precondition (another abort), is refused by `boundary(of:)`. The
/// parser also keeps a header's name and value whole however long, so a part's headers are held
/// to `maxHeaderBytes` and a body to `maxParts` parts.
struct MultipartGuard {
    static let maxHeaderBytes = 8 << 10
    static let maxParts = 16

    struct Refusal: Error, AbortError {
        var reason: String
        var status: HTTPResponseStatus { .badRequest }
    }

    private enum Header { case preCR, preLF, name(empty: Bool), value, postValue, postHeaders }
    private enum State { case preamble(Int), headers(Header), body, boundary(Int), epilogue }

    private let delimiter: [UInt8]
    private var state: State = .preamble(0)
    private var headerBytes = 0
    private var parts = 0

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// The boundary of a multipart content type: 1 to 70 characters of RFC 2046's `bchars`, not
    /// ending in a space. Anything else is refused before a parser is made.
    static func boundary(of type: HTTPMediaType?) throws -> String {
        guard let type, type.type.lowercased() == "multipart" else { throw Refusal(reason: "the body must be multipart/form-data") }
        guard let boundary = type.parameters.first(where: { $0.key.lowercased() == "boundary" })?.value else {
            throw Refusal(reason: "the multipart body has no boundary parameter")
        }
        let allowed = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'()+_,-./:=? ".utf8)
        guard (1...70).contains(boundary.utf8.count), boundary.utf8.allSatisfy(allowed.contains), boundary.last != " " else {
            throw Refusal(reason: "the multipart boundary must be 1 to 70 letters, digits or '()+_,-./:=? ")
        }
        return boundary
    }

    /// Checks a whole body.
    static func check(_ body: ByteBuffer, contentType: HTTPMediaType?) throws {
        var guardian = MultipartGuard(boundary: try boundary(of: contentType))
        try guardian.scan(body.readableBytesView)
    }

    /// Follows the next bytes of the body; throws at the first the parser would not take.
    mutating func scan(_ bytes: some Sequence<UInt8>) throws {
        for byte in bytes { try step(byte) }
    }

    private mutating func step(_ byte: UInt8) throws {
        switch state {
        case .preamble(let matched):
            var matched = matched
            if matched == 0, byte == delimiter[2] { matched = 3 }
            else if byte == delimiter[matched] { matched += 1 }
            else if matched > 0, byte == delimiter[0] { matched = 1 }
            else { matched = 0 }
            if matched >= delimiter.count { try startPart(); state = .headers(.preCR) } else { state = .preamble(matched) }
        case .headers(let header):
            headerBytes += 1
            guard headerBytes <= Self.maxHeaderBytes else {
                throw Refusal(reason: "a multipart part's headers are longer than \(Self.maxHeaderBytes) bytes")
            }
            state = try next(header, byte)
        case .body:
            if byte == delimiter[0] { state = .boundary(1) }
        case .boundary(let matched):
            if matched >= delimiter.count {
                switch byte {
                case 13: try startPart(); state = .headers(.preLF)
                case 45: state = .epilogue
                default: throw Refusal(reason: "the multipart body is malformed after a boundary")
                }
            } else if byte == delimiter[matched] {
                state = .boundary(matched + 1)
            } else {
                state = byte == delimiter[0] ? .boundary(1) : .body
            }
        case .epilogue:
            break
        }
    }

    private mutating func startPart() throws {
        parts += 1
        headerBytes = 0
        guard parts <= Self.maxParts else { throw Refusal(reason: "a multipart body may have at most \(Self.maxParts) parts") }
    }

    /// Where a byte of a part's headers leads: the next header state, or the part's body.
    private func next(_ header: Header, _ byte: UInt8) throws -> State {
        switch header {
        case .preCR:
            guard byte == 13 else { throw Refusal(reason: "the multipart body is malformed after a boundary") }
            return .headers(.preLF)
        case .preLF:
            guard byte == 10 else { throw Refusal(reason: "the multipart body is malformed after a boundary") }
            return .headers(.name(empty: true))
        case .name(let empty):
            if byte == 58, !empty { return .headers(.value) }
            if byte == 13, empty { return .headers(.postHeaders) }
            guard byte < 0x80, Self.tokenBytes[Int(byte)] else {
                throw Refusal(reason: "a multipart part header's name may hold only ASCII letters, digits and !#$%&'*+-.^_`|~")
            }
            return .headers(.name(empty: false))
        case .value:
            return .headers(byte == 13 ? .postValue : .value)
        case .postValue:
            guard byte == 10 else { throw Refusal(reason: "a multipart part header does not end in CRLF") }
            return .headers(.name(empty: true))
        case .postHeaders:
            guard byte == 10 else { throw Refusal(reason: "a multipart part's headers do not end in CRLF") }
            return .body
        }
    }

    /// RFC 7230's `tchar`, the parser's table of allowed header-name bytes.
    private static let tokenBytes: [Bool] = (0..<128).map { byte in
        let scalar = Unicode.Scalar(UInt8(byte))
        return ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
    }
}
