import LRSFiles
import Foundation
import LRSEngine
import LRSLanguage
import Testing
import TestSupport

/// Output files are checked for writability before any work starts (issue 12, item 3).
@Suite struct OutputPathTests {
    @Test func namesWhatIsWrongWithAPath() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        #expect(OutputPath.problem(dir + "/out.jsonl") == nil)
        #expect(OutputPath.problem(dir + "/file") == nil)
        #expect(OutputPath.problem("/dev/null") == nil)
        #expect(OutputPath.problem(dir + "/nodir/t.jsonl", shown: "nodir/t.jsonl")?.description == "directory 'nodir' does not exist")
        #expect(OutputPath.problem("/")?.description == "it is a directory")
        #expect(OutputPath.problem(dir)?.description == "it is a directory")
        #expect(OutputPath.problem(dir + "/new/")?.description == "it names a directory")
        #expect(OutputPath.problem(dir + "/file/x", shown: "file/x")?.description == "'file' is not a directory")
        #expect(OutputPath.problem("")?.description == "the path is empty")
        #expect(OutputPath.flagProblem("--trace", "nodir/t.jsonl")
                == "cannot write 'nodir/t.jsonl' (--trace): directory 'nodir' does not exist")
    }

    @Test func namesWhatIsWrongWithADirectoryToCreate() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        #expect(OutputPath.directoryProblem(dir + "/runs/a/b") == nil)
        #expect(OutputPath.directoryProblem(dir) == nil)
        #expect(OutputPath.directoryProblem(dir + "/file")?.description == "'\(dir)/file' is not a directory")
        #expect(OutputPath.directoryProblem(dir + "/file/runs")?.description == "'\(dir)/file' is not a directory")
    }

    @Test func aRunRefusesUnwritableSaveAndCheckpointFilesBeforeReadingData() {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The data file does not exist either: the output check comes first, with the checks.
        let text = """
            input 4
            model < linear 4 2 >
            data synthetic samples 8 classes 2
            checkpoint every 1 epochs "nodir/c.safetensors"
            train epochs 2 batch 4
            save "nodir/x.safetensors"
            """
        let (reports, diagnostics) = ScriptRunner.run(text, in: dir)
        #expect(reports.isEmpty)
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.condition) == [
            .outputUnwritable("nodir/c.safetensors", reason: .missingDirectory("nodir")),
            .outputUnwritable("nodir/x.safetensors", reason: .missingDirectory("nodir")),
        ])
        let source = SourceFile(path: dir + "/run.lrs", text: text)
        #expect(errors.compactMap(\.range).map { source.location(of: $0.start).line } == [4, 6])
        #expect(errors.compactMap(\.range).map { source.location(of: $0.start).column } == [27, 6])
    }
}
