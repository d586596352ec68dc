// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "injection-safety-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "injection-safety", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "FuzzHTTPParser",
            dependencies: [.product(name: "HTTPServer", package: "injection-safety")]
        ),
        .executableTarget(
            name: "FuzzTriageJSON",
            dependencies: [
                .product(name: "InjectionSafetyAPI", package: "injection-safety"),
                .product(name: "InjectionSafety", package: "injection-safety"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
