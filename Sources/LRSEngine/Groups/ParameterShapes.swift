import LRSFiles
import LRSLanguage

/// Each parameter's shape as a small number with its element count, by its position in the
/// model's parameters (a resolved group keeps its members' positions), and each number's
/// report text: what the group report prints beside each name. A checkpoint's shapes are
/// already numbered (its distinct shapes); a built-in model's are numbered here. Each text is
/// made once, when first asked.
struct ParameterShapes {
    private let parameters: ParameterList
    /// Each number's shape and text (the text made when first asked).
    private var shapes: [[Int]] = []
    private var texts: [String?]
    /// A checkpoint's element count per shape number, when first asked.
    private var counts: [Int?]
    /// A built-in model's shapes, numbered: the first few compared in turn, the rest looked up
    /// (most models have fewer).
    private var table: [[Int]: Int] = [:]
    private static let fewShapes = 16

    init(_ model: CheckedModel) {
        parameters = model.parameters
        shapes = model.parameters.distinctShapes
        texts = Array(repeating: nil, count: shapes.count)
        counts = Array(repeating: nil, count: shapes.count)
    }

    /// The shape number and element count of the parameter at `index` of the model's parameters.
    mutating func shape(at index: Int) -> (number: Int, count: Int) {
        if let number = parameters.shapeNumber(index) {
            if let count = counts[number] { return (number, count) }
            let count = parameters.elementCount(index)
            counts[number] = count
            return (number, count)
        }
        let shape = parameters.shape(index), count = parameters.elementCount(index)
        for known in shapes.indices.prefix(Self.fewShapes) where shapes[known] == shape { return (known, count) }
        if shapes.count > Self.fewShapes, let known = table[shape] { return (known, count) }
        shapes.append(shape)
        texts.append(nil)
        if shapes.count > Self.fewShapes { table[shape] = shapes.count - 1 }
        return (shapes.count - 1, count)
    }

    /// The text of shape number `number`.
    mutating func text(_ number: Int) -> String {
        if let known = texts[number] { return known }
        let made = ShapeText.text(shapes[number])
        texts[number] = made
        return made
    }
}
