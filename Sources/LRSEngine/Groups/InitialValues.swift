import LRSLanguage

/// A parameter's initial values: its shape and its elements in row-major order.
public struct InitialValue: Sendable {
    public let shape: [Int]
    public let values: [Float]

    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}

/// Where `where` predicates get initial values from: a function of the parameter's
/// `state_dict()` name. Returns `nil` when the value is not available (reported).
public typealias InitialValueProvider = (String) -> InitialValue?

/// A stand-in for the real initial values, so `lrs check` can evaluate predicates while
/// the runtime is built in parallel.
///
/// TODO(lead): replace with the runtime's PyTorch-style default initialisation from `seed`
/// (uniform in +-1/sqrt(fan_in) for linear and conv, ones and zeros for norm layers) and
/// with the tensors of the `init` file when the script has one (`CheckedScript.initFile`).
/// Until then this draws a deterministic uniform(+-1/sqrt(fan_in)) from a fixed generator,
/// so predicates on values are deterministic but not PyTorch's numbers.
public func placeholderInitialValues(for model: CheckedModel, seed: Int?) -> InitialValueProvider {
    let parameters = Dictionary(model.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let layers = model.layers
    return { name in
        guard let info = parameters[name] else { return nil }
        let layer = layers.first { $0.index == info.layerIndex }
        var fanIn = 1
        switch layer?.spec {
        case .linear(let a, _, _)?: fanIn = a
        case .conv(let a, _, let k, _, _, _)?:
            let (square, o1) = k.multipliedReportingOverflow(by: k)
            let (product, o2) = a.multipliedReportingOverflow(by: square)
            fanIn = o1 || o2 ? Int.max : product
        case .batchnorm?, .layernorm?:
            let fill: Float = name.hasSuffix(".weight") ? 1 : 0
            return InitialValue(shape: info.shape, values: [Float](repeating: fill, count: info.count))
        default: break
        }
        let bound = 1 / Double(Swift.max(fanIn, 1)).squareRoot()
        // SplitMix64 over the seed and the name: deterministic and independent per name.
        var state = UInt64(truncatingIfNeeded: seed ?? 0) &+ 0x9E37_79B9_7F4A_7C15
        for byte in name.utf8 { state = (state ^ UInt64(byte)) &* 0x1000_0000_01B3 }
        var values = [Float](repeating: 0, count: info.count)
        for i in 0..<info.count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let unit = Double(z >> 11) / Double(1 << 53)
            values[i] = Float((unit * 2 - 1) * bound)
        }
        return InitialValue(shape: info.shape, values: values)
    }
}
