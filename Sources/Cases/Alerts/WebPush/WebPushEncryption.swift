import Crypto
import Foundation

/// A push message's body encrypted for one browser (RFC 8291, "aes128gcm" of RFC 8188): only the
/// browser that made the subscription can read it, and the push service in between cannot.
///
/// The browser's subscription gives its P-256 public key (`p256dh`) and a 16-byte secret (`auth`).
/// A fresh key pair and salt per message: the shared secret and `auth` make the input key, the
/// salt makes the content key and nonce, and the text is sealed with AES-128-GCM in one record.
/// The body starts with the salt, the record size and the sender's public key, as the browser
/// needs them to decrypt.
public enum WebPushEncryption {
    /// The largest text one message carries (a push service takes 4,096 bytes of body; less the
    /// 86-byte header, the 16-byte tag and the delimiter).
    public static let maxPlaintext = 3993

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// The encrypted body. `sender` and `salt` are fixed only by tests (RFC 8291's example).
    public static func encrypt(_ plaintext: Data, p256dh: Data, auth: Data,
                               sender: P256.KeyAgreement.PrivateKey = .init(),
                               salt: Data = randomBytes(16), recordSize: UInt32 = 4096) throws -> Data {
        guard auth.count == 16 else { throw Failure(description: "the subscription's auth secret must be 16 bytes") }
        guard plaintext.count <= maxPlaintext else { throw Failure(description: "the message is longer than a push message may be") }
        let receiver: P256.KeyAgreement.PublicKey
        do { receiver = try P256.KeyAgreement.PublicKey(x963Representation: p256dh) } catch {
            throw Failure(description: "the subscription's p256dh is not a P-256 public key")
        }
        let senderPublic = sender.publicKey.x963Representation
        let shared = try sender.sharedSecretFromKeyAgreement(with: receiver)
        // §3.3: IKM = HKDF(auth, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32)
        var keyInfo = Data("WebPush: info\0".utf8)
        keyInfo.append(p256dh)
        keyInfo.append(senderPublic)
        let ikm = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: auth, sharedInfo: keyInfo, outputByteCount: 32)
        // RFC 8188 §2.2 and §2.3: the content key and the nonce from the salt
        let cek = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Data("Content-Encoding: aes128gcm\0".utf8),
                                         outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Data("Content-Encoding: nonce\0".utf8),
                                           outputByteCount: 12)
        var record = plaintext
        record.append(0x02) // the last (and only) record's delimiter, no padding
        let sealed = try AES.GCM.seal(record, using: cek, nonce: AES.GCM.Nonce(data: nonce.withUnsafeBytes { Data($0) }))
        var body = salt
        withUnsafeBytes(of: recordSize.bigEndian) { body.append(contentsOf: $0) }
        body.append(UInt8(senderPublic.count))
        body.append(senderPublic)
        body.append(sealed.ciphertext)
        body.append(sealed.tag)
        return body
    }

    public static func randomBytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5), as Web Push writes keys.
    public var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads base64url, with or without padding; nil for anything else.
    public init?(base64URLEncoded text: String) {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_=".contains($0)) }) else { return nil }
        var base64 = text.replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
