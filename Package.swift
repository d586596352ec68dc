// swift-tools-version:6.1
import Foundation
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "injection-safety",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "injection-safety-server", targets: ["injection-safety-server"]),
        .library(name: "InjectionSafety", targets: ["InjectionSafety"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "HTTPFramework", targets: ["HTTPFramework"]),
        .library(name: "JSONWriter", targets: ["JSONWriter"]),
        .library(name: "InjectionSafetyAPI", targets: ["InjectionSafetyAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        // The medical knowledge and the rules: no HTTP, no JSON wire details, no sockets.
        .target(
            name: "InjectionSafety",
            // The data files are built into the binary by the EmbedResources plugin
            // (EmbeddedKnowledge, made in the build folder): no resource bundle, no Foundation Bundle.
            exclude: ["Resources"],
            swiftSettings: strictSettings,
            plugins: ["EmbedResources"]
        ),
        // epoll and eventfd, which the Glibc module does not export.
        .target(name: "CLinuxEvents"),
        // A pthread mutex that ThreadSanitizer understands, and a value behind one.
        .target(name: "Locking", swiftSettings: strictSettings),
        // The one JSON writer (strings, arrays, numbers) for bodies, problems and log lines.
        .target(name: "JSONWriter", swiftSettings: strictSettings),
        // The server core: parser, messages, serializer, connection, event loops,
        // listener, limits. No routing, JSON, problems, log formats or proxies.
        .target(
            name: "HTTPServer",
            dependencies: [
                "CLinuxEvents", "Locking",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        // The web framework on the core: router, request context and ids,
        // middleware (access log with trusted proxies, CORS), problem details.
        .target(
            name: "HTTPFramework",
            dependencies: [
                "HTTPServer", "JSONWriter", "Locking",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        // A swift-log handler writing JSON lines through a buffered writer thread.
        .target(
            name: "ServiceLogging",
            dependencies: ["JSONWriter", "Locking", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // The application: routes, request validation, response bodies.
        .target(
            name: "InjectionSafetyAPI",
            dependencies: [
                "InjectionSafety",
                "HTTPServer", "HTTPFramework", "JSONWriter",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The OpenAPI document (the top-level openapi.yaml links here), served at
            // GET /openapi.yaml; built in by the EmbedResources plugin (EmbeddedOpenAPI).
            exclude: ["Resources"],
            swiftSettings: strictSettings,
            plugins: ["EmbedResources"]
        ),
        // Configuration, signals, start-up and shut-down.
        .executableTarget(
            name: "injection-safety-server",
            dependencies: [
                "InjectionSafetyAPI",
                "HTTPServer", "HTTPFramework", "ServiceLogging",
                "InjectionSafety",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Builds the data files into the code at build time (Plugins/EmbedResources).
        .plugin(name: "EmbedResources", capability: .buildTool()),
        // libcurl, for the integration tests only (Debian: libcurl4-openssl-dev).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Blocking loopback sockets for tests that need exact bytes on the wire.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSettings),
        .testTarget(name: "InjectionSafetyTests", dependencies: ["InjectionSafety"], swiftSettings: strictSettings),
        // The core over sockets; its socket tests serve through the framework's application.
        .testTarget(
            name: "HTTPServerTests",
            dependencies: [
                "HTTPServer", "HTTPFramework", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ServiceLoggingTests",
            dependencies: ["ServiceLogging", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "HTTPFrameworkTests",
            dependencies: [
                "HTTPFramework", "HTTPServer", "JSONWriter", "Locking",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InjectionSafetyAPITests",
            dependencies: [
                "InjectionSafetyAPI", "HTTPServer", "HTTPFramework", "ServiceLogging", "JSONWriter", "InjectionSafety",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["CCurl", "TestSupport", "injection-safety-server"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The container image builds from Package.swift and Sources alone (Dockerfile,
// .dockerignore): without a Tests folder, leave out the targets that live there.
if !FileManager.default.fileExists(atPath: Context.packageDirectory + "/Tests") {
    package.targets.removeAll { $0.type == .test || ($0.path ?? "").hasPrefix("Tests/") }
}
