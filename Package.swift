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
        // A small HTTP/1.1 server on Glibc sockets and epoll: knows nothing of the domain.
        .target(
            name: "HTTPServer",
            dependencies: [
                "CLinuxEvents",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        // Routes, request validation and JSON/problem+json encoding.
        .target(
            name: "InjectionSafetyAPI",
            dependencies: [
                "InjectionSafety",
                "HTTPServer",
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
                "HTTPServer",
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
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["HTTPServer", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InjectionSafetyAPITests",
            dependencies: [
                "InjectionSafetyAPI", "HTTPServer", "InjectionSafety",
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
