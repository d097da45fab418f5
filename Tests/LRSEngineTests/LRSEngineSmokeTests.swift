import Testing
@testable import LRSEngine

@Test func moduleLinks() {
    #expect(Bool(true))
}
