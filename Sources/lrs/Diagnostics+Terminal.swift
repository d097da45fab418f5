import Foundation
import LRSLanguage

/// Printing diagnostics and results: the only place the checker's output meets a terminal.
enum Terminal {
    /// Colour only when asked (`--color`), on a terminal, and with `NO_COLOR` unset.
    static func colorsStandardError(asked: Bool) -> Bool {
        asked && isatty(2) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    static func printDiagnostics(_ diagnostics: [Diagnostic], in source: SourceFile, color: Bool = false) {
        guard !diagnostics.isEmpty else { return }
        let renderer = DiagnosticRenderer(color: colorsStandardError(asked: color))
        writeError(renderer.render(diagnostics, in: source))
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func writeOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes bytes to standard output as they are, however many writes it takes.
    static func writeOutput(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
