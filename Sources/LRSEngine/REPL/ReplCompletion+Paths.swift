import Foundation

extension ReplCompletion {
    /// Candidates for `word` in `session`: its names, and files relative to its directory
    /// inside a string.
    public static func candidates(line: String, word: String, in session: ReplSession) -> [String] {
        candidates(line: line, word: word, names: Names(session)) { paths(word, in: session.directory) }
    }

    /// Files and directories starting with `word` (directories end in `/`), a relative
    /// `word` taken from `directory`; hidden ones only when `word` names one.
    public static func paths(_ word: String, in directory: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let directoryPart = slash.map { String(word[...$0]) } ?? ""
        let namePart = slash.map { String(word[word.index(after: $0)...]) } ?? word
        let expanded = directoryPart.hasPrefix("/") ? directoryPart : directory + "/" + directoryPart
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: expanded.isEmpty ? "." : expanded) else { return [] }
        return names.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: expanded + name, isDirectory: &isDirectory)
            return directoryPart + name + (isDirectory.boolValue ? "/" : "")
        }
    }
}
