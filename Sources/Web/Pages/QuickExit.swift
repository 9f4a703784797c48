import Foundation
import Store
import Vapor

/// The victim's way out: `POST /exit` ends the session the browser holds, clears what the site
/// left in the browser, and sends it to a neutral page. It needs no form token (there may be no
/// session left to hold one, and the session cookie is SameSite=Lax, so another site's form cannot
/// send it); `GET /assets/safety.js` is the script that also binds Esc and Shift×3 to it.
///
/// The script also sets the exit mark (`qorgau_exit`, a cookie it can write) before it leaves, so
/// the session ends with the first request that carries the mark, whichever reaches the server
/// first: the script's `POST /exit`, or the page Back asks for again. Back never finds the session
/// alive because the exit's own request is still on its way.
struct QuickExit {
    static let markCookie = "qorgau_exit"

    func exit(req: Request) async throws -> Response {
        if let secret = req.cookies[SessionCookie.name]?.string { try await Self.endSession(secret, req) }
        let response = Response(status: .seeOther)
        response.headers.replaceOrAdd(name: .location, value: req.application.qorgauConfig.quickExitURL)
        // the browser forgets the site's storage and cached pages, and its session (her language stays)
        response.headers.replaceOrAdd(name: "Clear-Site-Data", value: "\"cache\", \"storage\"")
        for name in [SessionCookie.name, SignInPages.csrfCookie] where req.cookies[name] != nil {
            response.cookies[name] = SessionCookie.make("", for: req, maxAge: 0)
        }
        Self.forgetMark(req, response)
        response.cookies[PublicFrame.discreetCookie] = SessionCookie.make("1", for: req, maxAge: 365 * 86_400)
        return response
    }

    /// Ends the session `secret` names, audited as her quick exit when it was still live.
    static func endSession(_ secret: String, _ req: Request) async throws {
        let sessions = SessionStore(db: req.db)
        if case .live(let session) = try await sessions.find(secret: secret, now: nowMilliseconds()) {
            try await AuditStore(db: req.db).append(actor: session.user.id.apiString, action: "quickExit")
        }
        try await sessions.delete(secret: secret)
    }

    /// Whether the request carries the mark the script sets as it leaves.
    static func marked(_ req: Request) -> Bool { req.cookies[markCookie] != nil }

    /// Expires the mark (once the session it ended is gone, or a new one starts).
    static func forgetMark(_ req: Request, _ response: Response) {
        guard marked(req) else { return }
        response.cookies[markCookie] = HTTPCookies.Value(string: "", maxAge: 0, path: "/", isSecure: SessionCookie.isSecure(req),
                                                         isHTTPOnly: false, sameSite: .lax)
    }
}

/// `GET /assets/{name}`: the pages' scripts, read once from the resources (the
/// Content-Security-Policy allows scripts from Qorgau itself only, none inline).
struct PageAssets {
    let scripts: [String: ByteBuffer]

    init() throws {
        var scripts: [String: ByteBuffer] = [:]
        for name in ["safety", "diary", "alerts", "push", "sw", "forms", "risk", "map"] {
            guard let url = Bundle.module.url(forResource: name, withExtension: "js", subdirectory: "Public") else {
                throw ConfigurationError("\(name).js is missing from the Web resources")
            }
            scripts[name + ".js"] = ByteBuffer(data: try Data(contentsOf: url))
        }
        self.scripts = scripts
    }

    func script(req: Request) throws -> Response {
        guard let name = req.parameters.get("name"), name != "sw.js" else { throw Abort(.notFound) }
        return try serve(name)
    }

    /// `GET /sw.js`: the service worker that shows push messages; served from the root so that
    /// it may show them for every page of the site.
    func serviceWorker(req: Request) throws -> Response {
        let response = try serve("sw.js")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return response
    }

    private func serve(_ name: String) throws -> Response {
        guard let script = scripts[name] else { throw Abort(.notFound) }
        let response = Response(status: .ok, body: .init(buffer: script))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return response
    }
}
