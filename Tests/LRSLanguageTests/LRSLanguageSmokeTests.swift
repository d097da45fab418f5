import Testing
@testable import LRSLanguage

@Test func moduleLinks() {
    #expect(Bool(true))
}
