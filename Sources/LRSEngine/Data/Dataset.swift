/// Training or validation samples in memory: inputs of one shape, and targets that are
/// either class indices (cross_entropy) or float vectors (mse).
public struct Dataset: Sendable {
    public enum Targets: Sendable, Equatable {
        /// One class index per sample.
        case classes([Int32])
        /// `width` floats per sample.
        case values([Float], width: Int)
        /// One class index per position, `positions` per sample, row-major: the targets of a
        /// sequence model (`text` data, or Y of shape [N, T]) for logits [B, T, V].
        case positionClasses([Int32], positions: Int)

        /// Whether the targets are class indices (so accuracy is defined).
        public var hasClasses: Bool {
            if case .values = self { return false }
            return true
        }

        /// Class indices per sample: 1, or the positions of a sequence.
        public var classesPerSample: Int {
            if case .positionClasses(_, let positions) = self { return positions }
            return 1
        }
    }

    /// Shape of one sample, without the batch dimension.
    public let sampleShape: [Int]
    /// Row-major inputs, `count x sampleShape.product`.
    public private(set) var inputs: [Float]
    public private(set) var targets: Targets

    public init(sampleShape: [Int], inputs: [Float], targets: Targets) {
        self.sampleShape = sampleShape
        self.inputs = inputs
        self.targets = targets
    }

    public var sampleSize: Int { sampleShape.reduce(1, *) }
    public var count: Int { sampleSize == 0 ? 0 : inputs.count / sampleSize }

    /// Number of classes when the targets are class indices (largest index + 1).
    public var classCount: Int? {
        switch targets {
        case let .classes(labels), let .positionClasses(labels, _): return Int(labels.max() ?? 0) + 1
        case .values: return nil
        }
    }

    /// The samples `range` (in order), as a new data set.
    public func slice(_ range: Range<Int>) -> Dataset {
        let n = sampleSize
        let inputs = Array(self.inputs[range.lowerBound * n ..< range.upperBound * n])
        switch targets {
        case let .classes(labels):
            return Dataset(sampleShape: sampleShape, inputs: inputs, targets: .classes(Array(labels[range])))
        case let .positionClasses(labels, positions):
            return Dataset(sampleShape: sampleShape, inputs: inputs,
                           targets: .positionClasses(Array(labels[range.lowerBound * positions ..< range.upperBound * positions]),
                                                     positions: positions))
        case let .values(values, width):
            return Dataset(sampleShape: sampleShape, inputs: inputs,
                           targets: .values(Array(values[range.lowerBound * width ..< range.upperBound * width]), width: width))
        }
    }

    /// Splits off the last `fraction` of the samples (`split F`): (training, validation).
    public func splitLast(_ fraction: Double) -> (Dataset, Dataset) {
        var training = self
        let validation = training.splitOffLast(fraction)
        return (training, validation)
    }

    /// Splits off the last `fraction` of the samples (`split F`) and returns them; this
    /// data set keeps the rest, in place, so that only the validation rows are copied.
    public mutating func splitOffLast(_ fraction: Double) -> Dataset {
        let count = self.count
        let rows = Swift.min(count, Swift.max(0, Int((Double(count) * fraction).rounded())))
        let validation = slice(count - rows ..< count)
        inputs.removeLast(rows * sampleSize)
        switch targets {
        case .classes(var labels):
            targets = .classes([])
            labels.removeLast(rows)
            targets = .classes(labels)
        case .positionClasses(var labels, let positions):
            targets = .positionClasses([], positions: positions)
            labels.removeLast(rows * positions)
            targets = .positionClasses(labels, positions: positions)
        case .values(var values, let width):
            targets = .values([], width: width)
            values.removeLast(rows * width)
            targets = .values(values, width: width)
        }
        return validation
    }
}
