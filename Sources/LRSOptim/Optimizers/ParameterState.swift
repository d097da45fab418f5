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
    /// `eta` (asgd): the rate of the next step, float32 as torch keeps it.
    var eta: Float = 0
    /// `mu` (asgd): the averaging weight of the next step.
    var mu: Float = 1
    /// `ax` (asgd): the averaged parameter.
    var ax: Tensor?
    /// `prev` (rprop): the previous step's gradient, zero where its sign flipped.
    var prev: Tensor?
    /// `step_size` (rprop): each element's step size.
    var stepSize: Tensor?
    /// `row_var` (adafactor, >= 2-D): the row factor of the second moment, shaped [..., rows, 1].
    var rowVar: Tensor?
    /// `col_var` (adafactor, >= 2-D): the column factor, shaped [..., 1, columns].
    var colVar: Tensor?
    /// `variance` (adafactor, 0-D and 1-D): the second moment.
    var variance: Tensor?

    /// Adam's two moments (`exp_avg`, `exp_avg_sq`) at zero: the state of the Adam family.
    static func adamMoments(_ shape: [Int]) -> ParameterState {
        let state = ParameterState()
        state.expAvg = Tensor(zeros: shape)
        state.expAvgSq = Tensor(zeros: shape)
        return state
    }

    /// The named state tensors, with PyTorch's names, in a fixed order.
    var namedTensors: [(name: String, tensor: Tensor)] {
        let all: [(String, Tensor?)] = [
            ("exp_avg", expAvg), ("exp_avg_sq", expAvgSq), ("max_exp_avg_sq", maxExpAvgSq),
            ("momentum_buffer", momentumBuffer), ("square_avg", squareAvg), ("grad_avg", gradAvg),
            ("sum", sum), ("acc_delta", accDelta), ("exp_inf", expInf), ("ax", ax), ("prev", prev),
            ("step_size", stepSize), ("row_var", rowVar), ("col_var", colVar), ("variance", variance),
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
        case "ax": ax = tensor
        case "prev": prev = tensor
        case "step_size": stepSize = tensor
        case "row_var": rowVar = tensor
        case "col_var": colVar = tensor
        case "variance": variance = tensor
        default: return false
        }
        return true
    }
}

/// One parameter's optimizer state as saved in a checkpoint: tensors and scalars under
/// PyTorch's state names (`exp_avg`, `step`, `mu_product`, ...). Tensors are flat, in C
/// order; all are shaped like the parameter except adafactor's `row_var` ([..., rows, 1])
/// and `col_var` ([..., 1, columns]).
public struct SavedParameterState: Equatable {
    /// State tensors by name, flat.
    public var tensors: [String: [Float]]
    /// State scalars by name (`step`, `mu_product`, `eta`, `mu`), float32 values held exactly.
    public var scalars: [String: Double]

    /// A saved state from its tensors and scalars.
    public init(tensors: [String: [Float]], scalars: [String: Double]) {
        self.tensors = tensors
        self.scalars = scalars
    }
}

extension Optional where Wrapped == Tensor {
    /// The state tensor, made of zeros in `shape` on its first use: `makeState` makes the
    /// ones a kind always has, but a state made or loaded before a setting turned one on
    /// (amsgrad, centered, momentum) lacks it.
    mutating func orZeros(_ shape: @autoclosure () -> [Int]) -> Tensor {
        if let tensor = self { return tensor }
        let made = Tensor(zeros: shape())
        self = made
        return made
    }
}
