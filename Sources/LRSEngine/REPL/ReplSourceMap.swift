import LRSLanguage

/// Where each piece of the REPL's session script came from, so that its diagnostics point
/// at what the user typed (`<repl>:LINE:COL`, LINE counting every line entered in the
/// session) or at the loaded file, not at the script the kept statements were joined into.
///
/// The session script is the kept statements, one per line, then the entry being checked.
/// Each piece is placed back at its line and column in a document of its own origin (the
/// session's input, or a loaded file), and a diagnostic is shown in that document.
struct ReplSourceMap {
    /// The line (from 1) and byte column (from 0) a piece starts at, in `path`.
    struct Origin: Equatable, Sendable {
        let path: String
        let line: Int
        let column: Int
    }

    /// A piece of the joined text: where it starts there, its bytes, and its origin.
    struct Piece {
        let start: Int
        let bytes: [UInt8]
        let origin: Origin
    }

    private let pieces: [Piece]

    /// The joined text of `pieces`, each followed by a newline, as the session checks it.
    init(_ parts: [(bytes: [UInt8], origin: Origin)]) {
        var start = 0
        var pieces: [Piece] = []
        for part in parts {
            pieces.append(Piece(start: start, bytes: part.bytes, origin: part.origin))
            start += part.bytes.count + 1
        }
        self.pieces = pieces
    }

    /// The joined text the map describes.
    var joined: [UInt8] { pieces.flatMap { $0.bytes + [UInt8(ascii: "\n")] } }

    /// A diagnostic of the joined text, with the document of its origin to show it in; its
    /// notes that point into another document (a line typed, a statement loaded from a
    /// file) follow it, each shown in its own.
    func problems(_ diagnostic: Diagnostic) -> [ReplReply.Problem] {
        guard let range = diagnostic.range, let piece = piece(at: range.start) else {
            return [ReplReply.Problem(diagnostic: diagnostic, source: SourceFile(path: "<repl>", bytes: []))]
        }
        let path = piece.origin.path
        let elsewhere = diagnostic.notes.filter { note in note.range.flatMap { self.piece(at: $0.start) }.map { $0.origin.path != path } ?? false }
        var main = diagnostic
        main.notes = diagnostic.notes.filter { note in !elsewhere.contains { $0.range == note.range } }
        return [ReplReply.Problem(diagnostic: document(path).relocate(main), source: document(path).source)]
            + elsewhere.flatMap(problems)
    }

    /// "line 7 of two.lrs", "line 3 of <repl>": where an offset of the joined text came from.
    func place(of offset: Int) -> String? {
        guard let piece = piece(at: offset) else { return nil }
        let before = piece.bytes[..<Swift.max(0, Swift.min(offset - piece.start, piece.bytes.count))]
        let line = piece.origin.line + before.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        return "line \(line) of \(piece.origin.path)"
    }

    private func document(_ path: String) -> Document {
        Document(pieces.filter { $0.origin.path == path }, path: path)
    }

    private func piece(at offset: Int) -> Piece? {
        pieces.last { $0.start <= offset }
    }

    /// The lines of one origin, rebuilt from the pieces that came from it.
    private struct Document {
        let source: SourceFile
        /// The pieces placed in it.
        private let pieces: [Piece]
        /// Byte offset of the start of every line of `source`.
        private let lineStarts: [Int]

        init(_ pieces: [Piece], path: String) {
            self.pieces = pieces
            var lines: [[UInt8]] = []
            for piece in pieces {
                for (k, line) in piece.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
                    let index = piece.origin.line - 1 + k
                    let column = k == 0 ? piece.origin.column : 0
                    guard index >= 0, index < 1_000_000 else { continue }
                    while lines.count <= index { lines.append([]) }
                    // Statements typed on one line (`seed 1; input 4`) share it, each at its column.
                    if lines[index].count < column {
                        lines[index] += [UInt8](repeating: UInt8(ascii: " "), count: column - lines[index].count)
                    }
                    lines[index].replaceSubrange(column ..< Swift.min(lines[index].count, column + line.count), with: line)
                }
            }
            var starts: [Int] = []
            var offset = 0
            for line in lines {
                starts.append(offset)
                offset += line.count + 1
            }
            lineStarts = starts
            source = SourceFile(path: path, bytes: lines.flatMap { $0 + [UInt8(ascii: "\n")] })
        }

        /// The diagnostic with its range (and its notes' ranges) moved from the joined text
        /// into this document; a note that points elsewhere loses its place.
        func relocate(_ diagnostic: Diagnostic) -> Diagnostic {
            let notes = diagnostic.notes.map { Diagnostic($0.severity, $0.condition, at: moved($0.range)) }
            return Diagnostic(diagnostic.severity, diagnostic.condition, at: moved(diagnostic.range), notes: notes)
        }

        private func moved(_ range: SourceRange?) -> SourceRange? {
            guard let range, let piece = pieces.last(where: { $0.start <= range.start }),
                  range.start <= piece.start + piece.bytes.count else { return nil }
            let start = move(range.start, in: piece)
            return SourceRange(start: start, end: move(Swift.min(range.end, piece.start + piece.bytes.count), in: piece))
        }

        /// An offset of the joined text, inside `piece`, as an offset of this document.
        private func move(_ offset: Int, in piece: Piece) -> Int {
            let relative = Swift.max(0, Swift.min(offset - piece.start, piece.bytes.count))
            let before = piece.bytes[..<relative]
            let k = before.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            let column = (k == 0 ? piece.origin.column : 0) + relative - lineStart
            guard !lineStarts.isEmpty else { return 0 }
            let index = Swift.max(0, Swift.min(piece.origin.line - 1 + k, lineStarts.count - 1))
            return Swift.min(lineStarts[index] + column, source.bytes.count)
        }
    }
}
