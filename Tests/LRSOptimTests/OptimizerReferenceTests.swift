import Foundation
import LRSOptim
import LRSRuntime
import Testing

/// Every optimizer kind and option against the parameters and state PyTorch reached after
/// twelve steps on the same recorded gradients.
@Suite struct OptimizerReferenceTests {
    /// The kernels round where torch's do (fused multiply-adds included), so results are
    /// torch's bits but for a few elements (centered RMSprop, amsgrad, tiny adadelta state)
    /// that differ in the last bits: within 8 units in the last place.
    static func close(_ got: Float, _ expected: Float) -> Bool {
        if got == expected || got.isNaN && expected.isNaN { return true }
        return (Int64(Int32(bitPattern: got.bitPattern)) - Int64(Int32(bitPattern: expected.bitPattern))).magnitude <= 8
    }

    @Test(arguments: OptimizerFixture.names)
    func matchesPyTorch(_ name: String) throws {
        let fixture = try OptimizerFixture.load(name)
        let (optimizer, values) = try fixture.run()
        for (index, value) in values.enumerated() {
            let got = value.values, expected = fixture.final[index]
            #expect(got.count == expected.count)
            let worst = zip(got, expected).filter { !Self.close($0, $1) }
            #expect(worst.isEmpty, "\(name): parameter \(index) differs: \(worst.prefix(3))")
        }
        let saved = optimizer.exportState()
        #expect(Set(saved.keys.map(String.init)) == Set(fixture.state.keys), "\(name): parameters with state")
        for (key, expectedEntries) in fixture.state {
            guard let index = Int(key), let entry = saved[index] else { continue }
            let names = Set(entry.tensors.keys).union(entry.scalars.keys)
            #expect(names == Set(expectedEntries.keys), "\(name): state names of parameter \(index)")
            for (stateName, expectedValue) in expectedEntries {
                switch expectedValue {
                case .scalar(let number):
                    #expect(entry.scalars[stateName] == number, "\(name): \(stateName) of \(index)")
                case .tensor(let expected):
                    let got = entry.tensors[stateName] ?? []
                    #expect(got.count == expected.count)
                    let worst = zip(got, expected).filter { !Self.close($0, $1) }
                    #expect(worst.isEmpty, "\(name): \(stateName) of \(index) differs: \(worst.prefix(3))")
                }
            }
        }
    }
}
