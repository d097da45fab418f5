import Foundation
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

    /// The rounding read off the shortest text is the C library's, value for value: rates as
    /// scripts compute them, values of every size from a fixed generator, ties and carries.
    @Test func roundedTextIsTheCLibrarysRounding() {
        var values: [Double] = [0.1 + 0.2, 0.09999999999999999, 99999.99999999999, 999999999999.9999,
                                123456789012345.67, 999999999999999.9, 912998381752500.0, -4569920668845000.0,
                                8999999999999999.0, 9999999999999999.0, 2.0000000000000004, -1.0000000000000002]
        for i in 0..<3000 { values.append((0.001 * pow(0.9, Double(i % 50)) + Double(i) / 1e6) * 2) }
        var state: UInt64 = 0x9E3779B97F4A7C15
        for _ in 0..<20000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let mantissa = 1 + Double(state >> 11) / Double(1 << 53) * 9
            values.append(mantissa * pow(10, Double(Int(state % 25) - 8)) * (state & 1 == 0 ? 1 : -1))
            values.append(Double(state % 99999 + 1) * 0.1 * 0.7 / pow(10, Double(state % 10)))
        }
        var fast = 0
        for x in values {
            let shortest = x.description
            guard NumberText.significantDigits(shortest) >= NumberText.noisyDigits else { continue }
            if let text = NumberText.roundedText(shortest) {
                fast += 1
                #expect(text == NumberText.rounded(x).description, "\(x)")
            }
        }
        #expect(NumberText.roundedText(912998381752500.0.description) == nil)
        #expect(NumberText.roundedText(1.2345678901234567e-05.description) == nil)
        #expect(fast > 10000)
    }
}
