import LRSRuntime

extension Dataset {
    /// `synthetic [samples N] [classes C] [noise X]`: a learnable classification set shaped
    /// like `input`, from its own generator seeded with the script's seed. Each class has a
    /// prototype in [-1, 1]^D; a sample is its class's prototype plus uniform noise of
    /// standard deviation X. Every draw is a double `uniform_`, so PyTorch reproduces it:
    ///
    ///     g = torch.Generator().manual_seed(seed)
    ///     protos = torch.empty(C, D, dtype=torch.float64).uniform_(-1, 1, generator=g)
    ///     labels = torch.empty(N, dtype=torch.float64).uniform_(0, C, generator=g).floor().long().clamp(max=C - 1)
    ///     noise = torch.empty(N, D, dtype=torch.float64).uniform_(-1, 1, generator=g)
    ///     x = (protos[labels] + X * 3 ** 0.5 * noise).float()
    public static func synthetic(samples: Int, classes: Int, noise: Double, sampleShape: [Int], seed: UInt64) -> Dataset {
        let generator = RandomGenerator(seed: seed)
        let size = sampleShape.reduce(1, *)
        let prototypes = (0 ..< classes * size).map { _ in generator.uniformDouble(from: -1, to: 1) }
        let labels = (0 ..< samples).map { _ in min(Int32(generator.uniformDouble(from: 0, to: Double(classes)).rounded(.down)), Int32(classes - 1)) }
        let scale = noise * 3.0.squareRoot()
        var inputs = [Float](repeating: 0, count: samples * size)
        for i in 0 ..< samples {
            let base = Int(labels[i]) * size
            for j in 0 ..< size {
                inputs[i * size + j] = Float(prototypes[base + j] + scale * generator.uniformDouble(from: -1, to: 1))
            }
        }
        return Dataset(sampleShape: sampleShape, inputs: inputs, targets: .classes(labels))
    }
}
