/// PyTorch's default initialisation, drawing from a `RandomGenerator` exactly as
/// `torch.nn.init` draws from the default CPU generator.
enum Initialization {
    /// kaiming_uniform_(w, a = sqrt(5)): gain = sqrt(2 / (1 + a^2)), std = gain / sqrt(fan_in),
    /// bound = sqrt(3) * std, in double as Python computes it; then w.uniform_(-bound, bound).
    static func kaimingUniform(_ tensor: Tensor, fanIn: Int, generator: RandomGenerator) {
        let a = (5.0).squareRoot()
        let gain = (2.0 / (1 + a * a)).squareRoot()
        let std = gain / Double(fanIn).squareRoot()
        let bound = (3.0).squareRoot() * std
        generator.fillUniform(tensor, from: Float(-bound), to: Float(bound))
    }

    /// The bias rule of Linear and Conv2d: bound = 1 / sqrt(fan_in), b.uniform_(-bound, bound).
    static func biasUniform(_ tensor: Tensor, fanIn: Int, generator: RandomGenerator) {
        let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
        generator.fillUniform(tensor, from: Float(-bound), to: Float(bound))
    }
}
