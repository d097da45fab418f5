import LRSEngine
import Testing

/// `split` keeps the training rows in place and copies only the validation rows (issue 12,
/// item 19): the same rows as before.
@Suite struct SplitInPlaceTests {
    @Test func splitOffLastKeepsTheFirstRowsAndReturnsTheLast() {
        var classes = Dataset(sampleShape: [2], inputs: (0..<20).map(Float.init), targets: .classes((0..<10).map(Int32.init)))
        let validation = classes.splitOffLast(0.2)
        #expect(classes.inputs == (0..<16).map(Float.init))
        #expect(classes.targets == .classes((0..<8).map(Int32.init)))
        #expect(validation.inputs == (16..<20).map(Float.init))
        #expect(validation.targets == .classes([8, 9]))

        var values = Dataset(sampleShape: [1], inputs: [1, 2, 3], targets: .values([1, 2, 3, 4, 5, 6], width: 2))
        let tail = values.splitOffLast(0.34)
        #expect(values.inputs == [1, 2])
        #expect(values.targets == .values([1, 2, 3, 4], width: 2))
        #expect(tail.targets == .values([5, 6], width: 2))
        #expect(tail.count == 1)
    }
}
