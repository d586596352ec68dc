// embed-resources NAME ACCESS OUTPUT FILE...
//
// Writes OUTPUT: `ACCESS enum NAME { ACCESS static let files: [String: String] }`
// mapping each FILE's name to its text, byte for byte, as raw string literals.
// Run by the EmbedResources build-tool plugin; not part of the server.
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: embed-resources NAME ACCESS OUTPUT FILE...\n".utf8))
    exit(2)
}
let name = arguments[arguments.startIndex]
let access = arguments[arguments.startIndex + 1]
let output = arguments[arguments.startIndex + 2]
let files = arguments.dropFirst(3)

/// A raw multi-line string literal whose value is exactly `text`.
func literal(_ text: String) throws -> String {
    var hashes = "#"
    while text.contains("\"\(hashes)") || text.contains("\\\(hashes)") { hashes += "#" }
    guard !text.contains("\r") else { throw CocoaError(.fileReadInapplicableStringEncoding) }
    return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
}

var source = """
    // Generated at build time by the EmbedResources plugin from the files named below.

    \(access) enum \(name) {
        /// File name to contents, byte for byte.
        \(access) static let files: [String: String] = [

    """
for path in files {
    let url = URL(fileURLWithPath: path)
    let text = try String(contentsOf: url, encoding: .utf8)
    source += "        // \(url.lastPathComponent)\n"
    source += "        \"\(url.lastPathComponent)\": \(try literal(text)),\n"
}
source += "    ]\n}\n"
let data = Data(source.utf8)
// Rewrite only on change, so an unchanged file does not rebuild its module.
if (try? Data(contentsOf: URL(fileURLWithPath: output))) != data {
    try data.write(to: URL(fileURLWithPath: output), options: .atomic)
}
