/// Values the command line keeps until the process exits instead of freeing them itself:
/// the operating system takes the whole heap back at once, faster than a walk over every node
/// of a checked script. Only for what a command holds to its end, once per input file.
enum ProcessLifetime {
    private final class Kept<Value> {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    static func keep<Value>(_ value: Value) {
        _ = Unmanaged.passRetained(Kept(value))
    }
}
