/// An id outside 0..<count (or not an integer) given to an embedding.
public struct TokenIdError: Error, Equatable, CustomStringConvertible {
    /// Position of the sample in the batch.
    public let sample: Int
    /// Position of the id within the sample.
    public let position: Int
    /// The offending value, as it came in.
    public let value: Double
    /// The embedding's number of rows.
    public let count: Int

    public var description: String {
        let shown = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
        return "token id \(shown) is out of range for an embedding of \(count) rows (sample \(sample), position \(position))"
    }
}

/// `nn.Embedding(count, dim)`: ids [B, T] to rows of `weight` [count, dim], [B, T, dim].
/// Ids arrive as float32 values holding integers (exact below 2^24); `Embedding.check`
/// reports a bad one as an error, which the model's `checkIds` surfaces before `forward`.
final class Embedding: Layer {
    let count: Int
    let dim: Int
    let length: Int
    let weight: Parameter
    private let output: BatchBuffer
    private var ids: [Int32] = []
    private var batch = 0

    init(count: Int, dim: Int, inputShape: [Int]) {
        self.count = count
        self.dim = dim
        length = inputShape.reduce(1, *)
        weight = Parameter(shape: [count, dim])
        output = BatchBuffer(sampleShape: inputShape + [dim])
    }

    var state: [(name: String, entry: StateEntry)] { [("weight", .parameter(weight))] }

    /// nn.Embedding.reset_parameters: init.normal_(weight).
    func initialize(_ generator: RandomGenerator) {
        Initialization.standardNormal(weight.value, generator: generator)
    }

    /// The first id of `input` that is not an integer in 0..<count, in storage order.
    func check(_ input: Tensor) throws(TokenIdError) {
        for i in 0..<input.count {
            let v = input.data[i]
            guard v >= 0, v < Float(count), v == v.rounded(.towardZero) else {
                throw TokenIdError(sample: i / Swift.max(length, 1), position: i % Swift.max(length, 1),
                                   value: Double(v), count: count)
            }
        }
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: length, layer: "embedding \(count) \(dim)")
        do { try check(input) } catch { preconditionFailure("embedding: \(error) (the model's checkIds was not called)") }
        self.batch = batch
        if ids.count < input.count { ids = [Int32](repeating: 0, count: input.count) }
        let y = output.view(batch: batch)
        for i in 0..<input.count {
            let id = Int(input.data[i])
            ids[i] = Int32(id)
            VectorKernels.copy(weight.value.data + id * dim, y.data + i * dim, dim)
        }
        return y
    }

    // y[i] = W[id_i], so dL/dW[id] += sum of dy[i] over the positions holding id; ids get none
    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        precondition(outputGrad.count == batch * length * dim,
                     "embedding: output gradient of shape \(outputGrad.shape), expected \([batch, length, dim])")
        if weight.requiresGrad {
            for i in 0..<(batch * length) {
                VectorKernels.add(outputGrad.data + i * dim, into: weight.grad.data + Int(ids[i]) * dim, dim)
            }
        }
        return nil
    }
}

/// A learned position embedding: y[b, t] = x[b, t] + weight[t] for t < T, `weight` [length,
/// dim] drawn N(0, 1) as nn.Embedding's.
final class PositionalEmbedding: Layer {
    let length: Int
    let dim: Int
    let positions: Int
    let weight: Parameter
    private let output: BatchBuffer
    private var batch = 0

    init(length: Int, dim: Int, inputShape: [Int]) {
        self.length = length
        self.dim = dim
        positions = inputShape[0]
        weight = Parameter(shape: [length, dim])
        output = BatchBuffer(sampleShape: inputShape)
    }

    var state: [(name: String, entry: StateEntry)] { [("weight", .parameter(weight))] }

    func initialize(_ generator: RandomGenerator) {
        Initialization.standardNormal(weight.value, generator: generator)
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let sample = positions * dim
        let batch = checkInput(input, sampleCount: sample, layer: "posembed \(length) \(dim)")
        self.batch = batch
        let y = output.view(batch: batch)
        let w = weight.value.data
        for b in 0..<batch {
            let x = input.data + b * sample, out = y.data + b * sample
            for i in 0..<sample { out[i] = x[i] + w[i] }
        }
        return y
    }

    // y = x + W[:T], so dL/dx = dy and dL/dW[t] += sum over the batch of dy[b, t]
    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        let sample = positions * dim
        precondition(outputGrad.count == batch * sample,
                     "posembed: output gradient of shape \(outputGrad.shape), expected \([batch, positions, dim])")
        if weight.requiresGrad {
            for b in 0..<batch { VectorKernels.add(outputGrad.data + b * sample, into: weight.grad.data, sample) }
        }
        return needsInputGrad ? outputGrad : nil
    }
}
