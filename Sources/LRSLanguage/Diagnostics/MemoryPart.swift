/// One part of what a run needs in memory, for the memory guard's message: "data", 5 GiB.
public struct MemoryPart: Sendable, Equatable {
    public let what: String
    public let bytes: Int

    public init(_ what: String, bytes: Int) {
        self.what = what
        self.bytes = bytes
    }
}
