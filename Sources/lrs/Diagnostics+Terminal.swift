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
        writeAll(text, to: STDERR_FILENO)
    }

    static func writeOutput(_ text: String) {
        writeAll(text, to: STDOUT_FILENO)
    }

    /// Writes bytes to standard output as they are, however many writes it takes.
    static func writeOutput(_ bytes: UnsafeRawBufferPointer) {
        writeAll(bytes, to: STDOUT_FILENO)
    }

    /// Writes the text's UTF-8 from where it lies (a big script's report is a megabyte: no
    /// copy into a `Data` first).
    private static func writeAll(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
