import Foundation
import LeafKit
import NIOCore
import NIOPosix

/// Leaf without an application, for a page the command line makes too (the dossier): the same
/// templates as the server's, rendered on the shared event loops.
package enum StandaloneLeaf {
    package static var views: String { (Bundle.module.resourceURL?.appendingPathComponent("Views").path ?? "Views") }

    package static func render(_ template: String, _ context: [String: LeafData]) async throws -> String {
        let views = Self.views
        let sources = LeafSources.singleSource(NIOLeafFiles(fileio: NonBlockingFileIO(threadPool: .singleton),
                                                            limits: [.toSandbox, .requireExtensions],
                                                            sandboxDirectory: views, viewDirectory: views + "/"))
        let renderer = LeafRenderer(configuration: LeafConfiguration(rootDirectory: views), sources: sources,
                                    eventLoop: MultiThreadedEventLoopGroup.singleton.any())
        return String(buffer: try await renderer.render(path: template, context: context).get())
    }
}
