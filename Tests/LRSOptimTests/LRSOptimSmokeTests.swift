import Testing
@testable import LRSOptim

@Test func moduleLinks() {
    #expect(Bool(true))
}
