/// PyTorch's default initialisation, drawing from a `RandomGenerator` exactly as
/// `torch.nn.init` draws from the default CPU generator.
public enum Initialization {
    /// kaiming_uniform_(w, a = sqrt(5)): gain = sqrt(2 / (1 + a^2)), std = gain / sqrt(fan_in),
    /// bound = sqrt(3) * std, in double as Python computes it; then w.uniform_(-bound, bound).
    static func kaimingUniform(_ tensor: Tensor, fanIn: Int, generator: RandomGenerator) {
        let bound = kaimingUniformBound(fanIn: fanIn)
        generator.fillUniform(tensor, from: -bound, to: bound)
    }

    /// The bound of `kaimingUniform`, as float32 (values are drawn from [-bound, bound)).
    public static func kaimingUniformBound(fanIn: Int) -> Float {
        let a = (5.0).squareRoot()
        let gain = (2.0 / (1 + a * a)).squareRoot()
        let std = gain / Double(fanIn).squareRoot()
        let bound = (3.0).squareRoot() * std
        return Float(bound)
    }

    /// bias.uniform_(-1 / sqrt(fan_in), 1 / sqrt(fan_in)), as nn.Linear and nn.Conv2d.
    static func biasUniform(_ tensor: Tensor, fanIn: Int, generator: RandomGenerator) {
        let bound = biasUniformBound(fanIn: fanIn)
        generator.fillUniform(tensor, from: -bound, to: bound)
    }

    /// The bound of `biasUniform`, as float32.
    public static func biasUniformBound(fanIn: Int) -> Float {
        Float(fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0)
    }

    /// xavier_uniform_(w) on a 2-D [fan_out, fan_in] tensor: std = sqrt(2 / (fan_in + fan_out)),
    /// bound = sqrt(3) * std (gain 1, in double), then w.uniform_(-bound, bound).
    static func xavierUniform(_ tensor: Tensor, generator: RandomGenerator) {
        precondition(tensor.shape.count == 2, "xavierUniform: shape \(tensor.shape)")
        let std = (2.0 / Double(tensor.shape[0] + tensor.shape[1])).squareRoot()
        let bound = (3.0).squareRoot() * std
        generator.fillUniform(tensor, from: Float(-bound), to: Float(bound))
    }

    /// normal_(w) (nn.Embedding's rule): N(0, 1) as torch's float32 `normal_` draws it.
    static func standardNormal(_ tensor: Tensor, generator: RandomGenerator) {
        generator.fillNormal(tensor, mean: 0, std: 1)
    }
}
