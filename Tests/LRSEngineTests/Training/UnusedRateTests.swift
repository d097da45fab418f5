import Foundation
import LRSEngine
import LRSLanguage
import Testing
import TestSupport

/// A rate a schedule computes after the run's last step, which no step uses, does not
/// stop the run; one a step is about to use does (issue 12, item 2; contract section 7).
@Suite struct UnusedRateTests {
    static func script(_ schedule: String, epochs: Int, samples: Int, batch: Int) -> String {
        """
        seed 0
        input 4
        model < linear 4 2 >
        optimizer sgd lr 0.1 momentum 0.9
        \(schedule)
        data synthetic samples \(samples) classes 2
        train epochs \(epochs) batch \(batch)
        save "final.safetensors"
        """
    }

    @Test(arguments: [
        // onecycle's linear anneal reaches a negative rate after its 4th and last step.
        (script("schedule all onecycle 0.1 4 anneal_strategy linear", epochs: 1, samples: 8, batch: 2), 1),
        // The rate after the 4th epoch is 1 - 4/3 of the initial one.
        (script("schedule all lambda 1 - epoch/3", epochs: 4, samples: 8, batch: 8), 4),
    ])
    func finishesAndSaves(_ text: String, epochs: Int) {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (reports, diagnostics) = ScriptRunner.run(text, in: dir)
        #expect(diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        #expect(reports.count == epochs)
        #expect(FileManager.default.fileExists(atPath: dir + "/final.safetensors"))
    }

    @Test func aNegativeRateAStepWouldUseStillStopsTheRun() {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (reports, diagnostics) = ScriptRunner.run(Self.script("schedule all lambda 1 - epoch/3", epochs: 5, samples: 8, batch: 8), in: dir)
        #expect(reports.count == 4)
        #expect(diagnostics.filter { $0.severity == .error }.map(\.message)
                == ["learning rate of group 'all' is negative (\(NumberText.display(0.1 * (1 - 4.0 / 3)))) at epoch 4 (step 4)"])
        #expect(!FileManager.default.fileExists(atPath: dir + "/final.safetensors"))
    }
}
