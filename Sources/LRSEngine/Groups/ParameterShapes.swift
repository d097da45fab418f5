import LRSFiles
import LRSLanguage

/// Each parameter's shape as report text, with its element count, by its position in the
/// model's parameters (a resolved group keeps its members' positions): what the group report
/// prints beside each name. Shape texts are made once per distinct shape.
struct ParameterShapes {
    private let parameters: ParameterList
    private var texts: [[Int]: String] = [:]
    /// The first few distinct shapes and their texts, compared before the table hashes a
    /// shape: a group of thousands mostly alternates between a handful.
    private var few: [(shape: [Int], text: String)] = []
    private static let fewShapes = 16

    /// A checkpoint's shapes by number: each one's text and element count, made when first asked.
    private var numbered: [(text: String, count: Int)?]

    init(_ model: CheckedModel) {
        parameters = model.parameters
        numbered = Array(repeating: nil, count: model.parameters.distinctShapes.count)
    }

    /// The shape text and element count of the parameter at `index` of the model's parameters.
    mutating func shape(at index: Int) -> (text: String, count: Int) {
        if let number = parameters.shapeNumber(index) {
            if let known = numbered[number] { return known }
            let made = (ShapeText.text(parameters.shape(index)), parameters.elementCount(index))
            numbered[number] = made
            return made
        }
        let shape = parameters.shape(index), count = parameters.elementCount(index)
        for known in few where known.shape == shape { return (known.text, count) }
        // The table only past the first few shapes: most models have fewer.
        if few.count == Self.fewShapes, let known = texts[shape] { return (known, count) }
        let text = ShapeText.text(shape)
        if few.count < Self.fewShapes { few.append((shape, text)) } else { texts[shape] = text }
        return (text, count)
    }
}
