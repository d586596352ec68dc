import Foundation
import PackagePlugin

/// Builds a target's reviewed data files into its code at build time: the
/// files under `Resources/` become one Swift source in the build folder (never
/// in git), an enum mapping each file name to its text. No resource bundle
/// and no Foundation `Bundle` (whose ICU data would make the static binary
/// 40 MB larger); the files stay the single source of truth.
@main
struct EmbedResources: BuildToolPlugin {
    /// Which folder a target embeds, under what name and access.
    static func embedding(of target: String) -> (folder: String, name: String, access: String)? {
        switch target {
        case "InjectionSafety": ("Resources/knowledge", "EmbeddedKnowledge", "public")
        case "InjectionSafetyAPI": ("Resources", "EmbeddedOpenAPI", "internal")
        default: nil
        }
    }

    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget, let embedding = Self.embedding(of: target.name) else {
            return []
        }
        let folder = target.directoryURL.appending(path: embedding.folder)
        // The folder's data files, and those of its subfolders one level down
        // (knowledge/translations/), named by their path under the folder.
        func dataFiles(in directory: URL) throws -> [URL] {
            try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { ["json", "yaml"].contains($0.pathExtension) }
        }
        var files = try dataFiles(in: folder)
        for entry in try FileManager.default.contentsOfDirectory(
            at: folder, includingPropertiesForKeys: [.isDirectoryKey])
        where (try? entry.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
            files += try dataFiles(in: entry)
        }
        files.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(embedding.name).swift")
        let script = context.package.directoryURL.appending(path: "Plugins/EmbedResources/embed.sh")
        return [
            .buildCommand(
                displayName: "Embedding \(target.name)'s data files",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    script.path(percentEncoded: false), embedding.name, embedding.access,
                    output.path(percentEncoded: false), folder.path(percentEncoded: false),
                ]
                    + files.map { $0.path(percentEncoded: false) },
                inputFiles: files + [script],
                outputFiles: [output])
        ]
    }
}
