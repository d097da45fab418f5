import LRSFiles
import LRSLanguage

/// Each parameter's shape as report text, with its element count, by name: what the group
/// report prints beside each name. A checkpoint's names are unique (its reader refuses a name
/// twice) and a group lists its parameters in the model's order, so for a file model a
/// group's names are found by one walk of the model's parameters, comparing names, instead of
/// hashing ten thousand names into a table and again out of it; a name out of order falls
/// back to the table, which a built-in model always uses (the first parameter of a name
/// gives its shape). Shape texts are made once per distinct shape.
struct ParameterShapes {
    private let parameters: [ParameterInfo]
    private let walks: Bool
    /// Name to the position of its first parameter, built on first need.
    private var table: [String: Int]?
    private var texts: [[Int]: String] = [:]
    /// The first few distinct shapes and their texts, compared before the table hashes a
    /// shape: a group of thousands mostly alternates between a handful.
    private var few: [(shape: [Int], text: String)] = []
    private static let fewShapes = 16

    init(_ model: CheckedModel) {
        parameters = model.parameters
        walks = model.file != nil
    }

    /// The shape text and element count of `name` (`?` and 0 for a name the model lacks).
    /// `cursor` is where one group's walk stands: start it at 0 for each group.
    mutating func shape(of name: String, cursor: inout Int?) -> (text: String, count: Int) {
        if walks, var index = cursor {
            while index < parameters.count, parameters[index].name != name { index += 1 }
            if index < parameters.count {
                cursor = index + 1
                return entry(index)
            }
            cursor = nil
        }
        if table == nil {
            var built: [String: Int] = [:]
            built.reserveCapacity(parameters.count)
            for (index, parameter) in parameters.enumerated() where built[parameter.name] == nil {
                built[parameter.name] = index
            }
            table = built
        }
        guard let index = table?[name] else { return ("?", 0) }
        return entry(index)
    }

    /// The shape text and element count of the parameter at `index` of the model's parameters.
    mutating func shape(at index: Int) -> (text: String, count: Int) { entry(index) }

    private mutating func entry(_ index: Int) -> (text: String, count: Int) {
        // The two fields, not the whole parameter (a copy retains its four references).
        let shape = parameters[index].shape, count = parameters[index].count
        for known in few where known.shape == shape { return (known.text, count) }
        // The table only past the first few shapes: most models have fewer.
        if few.count == Self.fewShapes, let known = texts[shape] { return (known, count) }
        let text = ShapeText.text(shape)
        if few.count < Self.fewShapes { few.append((shape, text)) } else { texts[shape] = text }
        return (text, count)
    }
}
