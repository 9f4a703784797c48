// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "qorgau",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "qorgau", targets: ["qorgau"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/CoreOffice/XMLCoder.git", from: "0.18.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        .target(name: "Domain", swiftSettings: swiftSettings),
        .target(
            name: "Law",
            dependencies: ["Domain", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources/jurisdictions"), .copy("Resources/risk")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Monitoring", dependencies: ["Domain"], swiftSettings: swiftSettings),
        .target(
            name: "Store",
            dependencies: [
                "Domain",
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Cases",
            dependencies: [
                "Domain", "Law", "Store", "Monitoring",
                .product(name: "Fluent", package: "fluent"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/demo")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Presentation",
            dependencies: [
                "Domain", "Law", "Store", "Monitoring", "Cases",
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Resources/i18n"), .copy("Resources/Views")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Web",
            dependencies: [
                "Domain", "Law", "Store", "Monitoring", "Cases", "Presentation",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/Views"), .copy("Resources/Public")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Benchmarks",
            dependencies: [
                "Web", "Presentation", "Cases", "Law", "Monitoring", "Store", "Domain",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "qorgau",
            dependencies: [
                "Web", "Benchmarks", "Presentation", "Cases", "Law", "Monitoring", "Store", "Domain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Web", "Cases", "Store", "Domain",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "LawTests", dependencies: ["Law", "Domain", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "MonitoringTests", dependencies: ["Monitoring", "Domain"], swiftSettings: swiftSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Domain", "TestSupport", .product(name: "Vapor", package: "vapor"),
                                                       .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver")],
                    swiftSettings: swiftSettings),
        .testTarget(
            name: "WebTests",
            dependencies: ["Web", "Benchmarks", "Presentation", "Cases", "Domain", "Law", "Monitoring", "Store", "TestSupport", .product(name: "VaporTesting", package: "vapor"),
                           .product(name: "ZIPFoundation", package: "ZIPFoundation"), .product(name: "XMLCoder", package: "XMLCoder")],
            exclude: ["Snapshots", "Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
