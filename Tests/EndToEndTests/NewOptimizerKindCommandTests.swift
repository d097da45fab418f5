import Foundation
import Testing
import TestSupport

/// Issue 15's optimizer kinds as a user meets them: `lrs check` refusing Muon on a conv
/// weight before anything runs, and the JSON report with the default word values.
@Suite struct NewOptimizerKindCommandTests {
    func write(_ text: String) throws -> String {
        let directory = NSTemporaryDirectory() + "lrs-kinds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/s.lrs", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func muonOnAConvWeightIsALocatedErrorBeforeAnythingRuns() throws {
        let directory = try write("""
        input 1 6 6
        model < conv 1 2 3; relu; linear 32 3 >
        optimizer adamw
        group conv optimizer muon as m
        group rest
        data synthetic samples 8 classes 3
        train epochs 1 batch 4
        save "never.safetensors"
        """)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for command in ["check", "run"] {
            let run = try LRSBinary.run([command, "s.lrs"], in: directory)
            #expect(run.status == 1)
            #expect(run.stderr.contains("s.lrs:4:7: error: 'muon' takes only 2-D parameters, but group 'm' holds "
                                        + "'0.weight' (4-D), '0.bias' (1-D); select its matrices with 'where ndim == 2'"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/never.safetensors"))
    }

    @Test func jsonWritesDefaultWordsAndNone() throws {
        let directory = try write("""
        model < linear 4 3 bias false; relu; linear 3 2 >
        optimizer muon
        group "0.*"
        group "2.*" optimizer adafactor
        """)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try LRSBinary.run(["check", "--format", "json", "s.lrs"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"adjust_lr_fn\": {\"value\": \"original\", \"default\": true}"))
        #expect(run.stdout.contains("\"ns_coefficients\": {\"value\": [3.4445, -4.775, 2.0315], \"default\": true}"))
        #expect(run.stdout.contains("\"eps\": {\"value\": [null, 0.001], \"default\": true}"))
    }
}
