// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "tocsin",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tocsin", targets: ["tocsin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .target(
            name: "TocsinCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TocsinIngest",
            dependencies: ["TocsinCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The system's SQLite (Debian's libsqlite3-dev), under Tocsin's own driver in TocsinStorage/SQLite.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "TocsinStorage",
            dependencies: [
                "TocsinCore", "CSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The application layer: what the pages, the API, the CLI and the jobs do, each written once. No HTTP, no SQL.
        .target(
            name: "TocsinUseCases",
            dependencies: [
                "TocsinCore", "TocsinIngest",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Background work: one periodic job service and its jobs.
        .target(
            name: "TocsinJobs",
            dependencies: [
                "TocsinCore", "TocsinUseCases",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TocsinNotify",
            dependencies: [
                "TocsinCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TocsinWeb",
            dependencies: [
                "TocsinCore", "TocsinIngest", "TocsinUseCases",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TocsinApp",
            dependencies: [
                "TocsinCore", "TocsinStorage", "TocsinUseCases", "TocsinJobs", "TocsinWeb", "TocsinNotify",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tocsin",
            dependencies: [
                "TocsinApp", "TocsinCore", "TocsinStorage", "TocsinUseCases",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TocsinTestSupport",
            dependencies: [
                "TocsinCore", "TocsinStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/TocsinTestSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "MatchingBenchmark",
            dependencies: ["TocsinCore"],
            path: "Benchmarks/Matching",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "OnCallBenchmark",
            dependencies: ["TocsinCore"],
            path: "Benchmarks/OnCall",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TocsinCoreTests",
            dependencies: ["TocsinCore", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TocsinIngestTests",
            dependencies: ["TocsinCore", "TocsinIngest"],
            resources: [.copy("Payloads")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TocsinStorageTests",
            dependencies: ["TocsinCore", "TocsinStorage", "TocsinTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TocsinJobsTests",
            dependencies: ["TocsinCore", "TocsinStorage", "TocsinUseCases", "TocsinJobs", "TocsinNotify", "TocsinTestSupport",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TocsinWebTests",
            dependencies: [
                "TocsinApp", "TocsinCore", "TocsinStorage", "TocsinUseCases", "TocsinJobs", "TocsinNotify", "TocsinWeb", "TocsinTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
