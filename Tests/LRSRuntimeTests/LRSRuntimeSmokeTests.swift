import Testing
@testable import LRSRuntime

@Test func tensorHoldsItsValues() {
    let t = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
    #expect(t.count == 6)
    #expect(t.values == [1, 2, 3, 4, 5, 6])
    t.reshape([3, 2])
    #expect(t.shape == [3, 2])
}
