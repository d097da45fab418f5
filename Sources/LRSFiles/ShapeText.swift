/// Shapes for people, written one way everywhere, as the language reference writes them:
/// `3x28x28`; a shape with no dimensions is `scalar`.
public enum ShapeText {
    public static func text(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "x")
    }
}
