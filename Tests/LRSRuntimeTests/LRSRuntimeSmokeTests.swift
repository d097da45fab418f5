import Testing
@testable import LRSRuntime

@Test func tensorHoldsItsValues() {
    let t = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
    #expect(t.count == 6)
    #expect(t.values == [1, 2, 3, 4, 5, 6])
    t.reshape([3, 2])
    #expect(t.shape == [3, 2])
}

/// Storage of 2 MiB and more takes the huge-page path: aligned to 2 MiB, zero-filled, usable.
@Suite struct LargeStorageTests {
    @Test func largeTensorsAreAlignedAndZeroed() {
        let tensor = Tensor(zeros: [3, 1 << 19])
        #expect(Int(bitPattern: tensor.data) % (1 << 21) == 0)
        #expect(tensor.values.allSatisfy { $0 == 0 })
        tensor.data[tensor.count - 1] = 2
        #expect(tensor.values.last == 2)
    }
}
