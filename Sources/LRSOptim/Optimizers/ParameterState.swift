import LRSRuntime

/// The optimizer's state for one parameter, created lazily at its first step as PyTorch
/// creates `optimizer.state[p]`.
///
/// Scalars are float32 as in PyTorch, which keeps `step` and `mu_product` in float32 tensors.
final class ParameterState {
    /// `step`: steps taken, counted in float32 as PyTorch does.
    var step: Float = 0
    /// `mu_product` (nadam): the running product of the momentum schedule.
    var muProduct: Float = 1
    /// `exp_avg` (adam-like kinds).
    var expAvg: Tensor?
    /// `exp_avg_sq` (adam, adamw, nadam, radam).
    var expAvgSq: Tensor?
    /// `max_exp_avg_sq` (adam and adamw with amsgrad).
    var maxExpAvgSq: Tensor?
    /// `momentum_buffer` (sgd with momentum, rmsprop with momentum).
    var momentumBuffer: Tensor?
    /// `square_avg` (rmsprop, adadelta).
    var squareAvg: Tensor?
    /// `grad_avg` (centered rmsprop).
    var gradAvg: Tensor?
    /// `sum` (adagrad).
    var sum: Tensor?
    /// `acc_delta` (adadelta).
    var accDelta: Tensor?
    /// `exp_inf` (adamax).
    var expInf: Tensor?

    /// The named state tensors, with PyTorch's names, in a fixed order.
    var namedTensors: [(name: String, tensor: Tensor)] {
        let all: [(String, Tensor?)] = [
            ("exp_avg", expAvg), ("exp_avg_sq", expAvgSq), ("max_exp_avg_sq", maxExpAvgSq),
            ("momentum_buffer", momentumBuffer), ("square_avg", squareAvg), ("grad_avg", gradAvg),
            ("sum", sum), ("acc_delta", accDelta), ("exp_inf", expInf),
        ]
        return all.compactMap { name, tensor in tensor.map { (name, $0) } }
    }

    /// Stores `tensor` under PyTorch's state name; false for a name this type does not hold.
    func setTensor(_ tensor: Tensor, named name: String) -> Bool {
        switch name {
        case "exp_avg": expAvg = tensor
        case "exp_avg_sq": expAvgSq = tensor
        case "max_exp_avg_sq": maxExpAvgSq = tensor
        case "momentum_buffer": momentumBuffer = tensor
        case "square_avg": squareAvg = tensor
        case "grad_avg": gradAvg = tensor
        case "sum": sum = tensor
        case "acc_delta": accDelta = tensor
        case "exp_inf": expInf = tensor
        default: return false
        }
        return true
    }
}

/// One parameter's optimizer state as saved in a checkpoint: tensors and scalars under
/// PyTorch's state names (`exp_avg`, `step`, `mu_product`, ...).
public struct SavedParameterState: Equatable {
    /// State tensors by name, each shaped like the parameter.
    public var tensors: [String: [Float]]
    /// State scalars by name (`step`, `mu_product`), float32 values held exactly.
    public var scalars: [String: Double]

    /// A saved state from its tensors and scalars.
    public init(tensors: [String: [Float]], scalars: [String: Double]) {
        self.tensors = tensors
        self.scalars = scalars
    }
}
