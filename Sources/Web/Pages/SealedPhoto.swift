import Domain
import Store
import Vapor

/// A file posted with a diary or case-page form, sealed as it is written into the evidence
/// store's upload area: kept at its address when it is to stay, abandoned otherwise.
struct SealedPhoto {
    /// Not a kind of file evidence accepts, or larger than evidence may be.
    struct Refused: Error {}

    let upload: BlobUpload
    let photo: DiaryDraft.Photo

    /// Nil when no file was sent.
    static func seal(_ file: File?, req: Request) throws -> SealedPhoto? {
        guard let file, file.data.readableBytes > 0 else { return nil }
        let bytes = Array(file.data.readableBytesView)
        guard Int64(bytes.count) <= req.application.qorgauConfig.maxEvidenceBytes,
              let type = MediaSniffer.mediaType(of: Array(bytes.prefix(MediaSniffer.prefixLength)),
                                                complete: bytes.count <= MediaSniffer.prefixLength) else { throw Refused() }
        let upload = try req.application.blobs.upload()
        do {
            try upload.write(bytes)
            let sha256 = try upload.finish()
            return SealedPhoto(upload: upload, photo: .init(sha256: sha256, name: UploadReceiver.safeName(file.filename),
                                                            mediaType: type, size: Int64(bytes.count)))
        } catch {
            upload.abandon()
            throw error
        }
    }

    /// Puts the file at its address in the evidence store; returns what names it.
    func keep(_ req: Request) throws -> DiaryDraft.Photo {
        try req.application.blobs.keep(upload, sha256: photo.sha256)
        return photo
    }

    func abandon() { upload.abandon() }
}
