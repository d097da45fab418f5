import LRSFiles
import Testing
@testable import LRSLanguage

/// Numbers and shapes for people: one style everywhere.
@Suite struct DisplayTextTests {
    @Test func computedNumbersAreShownWithoutBinaryNoise() {
        #expect(NumberText.display(0.001 * 0.686) == "0.000686")
        #expect(NumberText.display(0.1 * 3) == "0.3")
        #expect(NumberText.display(0.0006859999999999999) == "0.000686")
        #expect(NumberText.display(1.0 / 3.0) == "0.333333333333")
    }

    @Test func writtenNumbersReadBackExactly() {
        for x in [0.001, 0.9, 1e-8, 0.000686, 123456.789, 0.1, 2.5e-5, 1.0, 0.0, -0.75, 1e20] {
            #expect(Double(NumberText.display(x)) == x, "\(x)")
            #expect(NumberText.display(x) == x.description)
        }
        #expect(NumberText.display(.infinity) == "inf" && NumberText.display(.nan) == "nan")
    }

    @Test func hyperparametersComputedByTheScriptReadRounded() throws {
        let result = check("input 4\nmodel < linear 4 2 >\nlet base = 0.001\ngroup all lr base * 0.686 momentum 0.1 * 3")
        let group = try #require(result.script?.groups.first)
        let texts = group.hyperparameters.filter { $0.name == "lr" || $0.name == "momentum" }.map(\.value.text)
        #expect(texts == ["0.000686", "0.3"])
        // The value itself keeps every bit.
        #expect(group.hyperparameters.first { $0.name == "lr" }?.value.number == 0.001 * 0.686)
    }

    @Test func shapesAreWrittenOneWay() {
        #expect(ShapeText.text([3, 28, 28]) == "3x28x28")
        #expect(ShapeText.text([10]) == "10")
        #expect(ShapeText.text([]) == "scalar")
    }
}
