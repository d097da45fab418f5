/// Shapes for people, written one way everywhere, as the language reference writes them:
/// `3x28x28`; a shape with no dimensions is `scalar`.
public enum ShapeText {
    public static func text(_ shape: [Int]) -> String {
        guard let first = shape.first else { return "scalar" }
        // Written out, not `joined(separator:)`: its first use in a process costs a scan of
        // every protocol conformance in the binary (tens of microseconds of `lrs check`).
        var text = String(first)
        for size in shape.dropFirst() {
            text += "x"
            text += String(size)
        }
        return text
    }
}
