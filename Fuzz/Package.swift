// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "injection-safety-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "injection-safety", path: "..")
    ],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzHTTPParser",
            dependencies: ["FuzzSupport", .product(name: "HTTPServer", package: "injection-safety")]
        ),
        .executableTarget(
            name: "FuzzTriageJSON",
            dependencies: [
                "FuzzSupport",
                .product(name: "InjectionSafetyAPI", package: "injection-safety"),
                .product(name: "HTTPFramework", package: "injection-safety"),
                .product(name: "HTTPServer", package: "injection-safety"),
                .product(name: "JSONWriter", package: "injection-safety"),
                .product(name: "InjectionSafety", package: "injection-safety"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
