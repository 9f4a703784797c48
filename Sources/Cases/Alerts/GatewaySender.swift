import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Store

/// SMS or a voice call through an operator's HTTP gateway: a POST to `url` with the body made
/// from `template`, where `{to}` is the phone number, `{text}` the message and `{id}` the
/// delivery's id (escaped for JSON when the content type is JSON, percent-encoded for a form);
/// `authorization` is sent as the Authorization header as given (`Basic …`, `Bearer …`).
public struct GatewaySender: DeliverySender {
    public struct Settings: Sendable, Equatable {
        public var url: String
        public var authorization: String?
        public var template: String
        public var contentType: String

        public static let defaultTemplate = #"{"to":"{to}","text":"{text}","id":"{id}"}"#

        public init(url: String, authorization: String? = nil, template: String = Self.defaultTemplate,
                    contentType: String = "application/json") {
            self.url = url; self.authorization = authorization; self.template = template; self.contentType = contentType
        }
    }

    public var settings: Settings
    var peer: PeerRequest

    public init(_ settings: Settings, client: HTTPClient) {
        self.settings = settings; self.peer = PeerRequest(client: client)
    }

    public func send(_ message: OutgoingMessage) async -> DeliveryResult {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: settings.contentType)
        headers.add(name: "Idempotency-Key", value: message.delivery.idempotencyKey)
        if let authorization = settings.authorization { headers.add(name: "Authorization", value: authorization) }
        return await peer.post(settings.url, headers: headers, body: Data(requestBody(for: message).utf8))
    }

    func requestBody(for message: OutgoingMessage) -> String {
        let text = message.link.map { "\(message.text) \($0)" } ?? message.text
        let json = settings.contentType.contains("json")
        func escape(_ value: String) -> String { json ? Self.jsonEscaped(value) : Self.formEncoded(value) }
        return settings.template
            .replacingOccurrences(of: "{to}", with: escape(message.delivery.planned.address))
            .replacingOccurrences(of: "{text}", with: escape(text))
            .replacingOccurrences(of: "{id}", with: escape(message.delivery.idempotencyKey))
    }

    /// The string's JSON form without its quotes.
    static func jsonEscaped(_ value: String) -> String {
        let data = (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    static func formEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
