import Foundation
import LRSEngine
import LRSLanguage

/// Tab completion (`ReplCompletion`), with the file system's paths inside a string.
struct ReplCompleter {
    let session: ReplSession

    func candidates(line: String, word: String) -> [String] {
        ReplCompletion.candidates(line: line, word: word, names: ReplCompletion.Names(session)) { paths(word) }
    }

    /// Files and directories starting with `word` (directories end in `/`).
    func paths(_ word: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let directoryPart = slash.map { String(word[...$0]) } ?? ""
        let namePart = slash.map { String(word[word.index(after: $0)...]) } ?? word
        let expanded = directoryPart.hasPrefix("/") ? directoryPart : session.directory + "/" + directoryPart
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: expanded.isEmpty ? "." : expanded) else { return [] }
        return names.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: expanded + name, isDirectory: &isDirectory)
            return directoryPart + name + (isDirectory.boolValue ? "/" : "")
        }
    }
}
