import Foundation

/// The seeded random generator behind initialisation, dropout masks, shuffling and synthetic
/// data: PyTorch's CPU generator, bit for bit.
///
/// The engine is MT19937 seeded the way `torch.manual_seed(seed)` seeds it (the low 32 bits
/// of the seed through the standard Knuth initialiser), and the draws below follow ATen's
/// `random()`, `random64()`, `uniform_real_distribution`, `normal_distribution` and
/// `randperm`, so the same seed gives the same numbers as PyTorch on every machine.
public final class RandomGenerator {
    static let stateSize = 624
    private var words: [UInt32]
    private var index: Int
    /// The seed the generator was created with (as `torch.initial_seed()`).
    public let seed: UInt64
    /// Box-Muller makes normals in pairs; ATen caches the second one in the generator.
    private var nextNormal: Double?

    /// A generator in the state `torch.manual_seed(seed)` leaves the default CPU generator.
    public init(seed: UInt64) {
        self.seed = seed
        var words = [UInt32](repeating: 0, count: Self.stateSize)
        // state[j] = 1812433253 * (state[j-1] ^ (state[j-1] >> 30)) + j  (mod 2^32)
        words[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.stateSize {
            let previous = words[j - 1]
            words[j] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
        }
        self.words = words
        self.index = Self.stateSize
    }

    /// The next 32 random bits (ATen's `random()`).
    public func nextUInt32() -> UInt32 {
        if index >= Self.stateSize { twist() }
        var y = words[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// The next 64 random bits (ATen's `random64()`: the first draw is the high word).
    public func nextUInt64() -> UInt64 {
        let high = UInt64(nextUInt32())
        let low = UInt64(nextUInt32())
        return (high << 32) | low
    }

    /// A float uniform in [from, to), as `torch.empty(1).uniform_(from, to)`.
    /// x = (random() & (2^24 - 1)) * 2^-24;  result = x * (to - from) + from, in float with
    /// one rounding (ATen's CPU kernel compiles it to a fused multiply-add).
    public func uniformFloat(from: Float, to: Float) -> Float {
        let x = Float(nextUInt32() & 0x00ff_ffff) * (1.0 / 16_777_216.0)
        return from.addingProduct(x, to - from)
    }

    /// A double uniform in [from, to), as a float64 tensor's `uniform_(from, to)`.
    public func uniformDouble(from: Double = 0, to: Double = 1) -> Double {
        let x = Double(nextUInt64() & 0x001f_ffff_ffff_ffff) * (1.0 / 9_007_199_254_740_992.0)
        return x * (to - from) + from
    }

    /// Fills `tensor` in storage order, as `tensor.uniform_(from, to)` on a float32 tensor.
    public func fillUniform(_ tensor: Tensor, from: Float, to: Float) {
        for i in 0..<tensor.count { tensor.data[i] = uniformFloat(from: from, to: to) }
    }

    /// A normal sample in double precision (ATen's `normal_distribution<double>`, Box-Muller
    /// with the partner sample cached): r = sqrt(-2 log1p(-u2)), theta = 2 pi u1.
    public func normal(mean: Double = 0, std: Double = 1) -> Double {
        if let cached = nextNormal {
            nextNormal = nil
            return cached * std + mean
        }
        let u1 = uniformDouble()
        let u2 = uniformDouble()
        let r = (-2.0 * Foundation.log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        nextNormal = r * Foundation.sin(theta)
        return r * Foundation.cos(theta) * std + mean
    }

    /// Fills `tensor` as `tensor.normal_(mean, std)` on a float32 tensor (`nn.init.normal_`,
    /// `torch.randn`): below 16 elements one `normal(mean:std:)` per element rounded to float;
    /// from 16 on, ATen's `normal_fill` (see NormalFill.swift), bit for bit.
    public func fillNormal(_ tensor: Tensor, mean: Double = 0, std: Double = 1) {
        if tensor.count >= 16 {
            normalFill(tensor.data, count: tensor.count, mean: Float(mean), std: Float(std))
        } else {
            for i in 0..<tensor.count { tensor.data[i] = Float(normal(mean: mean, std: std)) }
        }
    }

    /// A non-negative 63-bit integer, as `torch.empty((), dtype=torch.int64).random_()`.
    public func nextInt64() -> Int64 {
        Int64(nextUInt64() % (1 << 63))
    }

    /// The order in which one epoch of `DataLoader(dataset, shuffle=True)` (no workers, no
    /// generator given) visits `n` samples when this is the global generator: starting the
    /// epoch's iterator draws a base seed with `nextInt64()`, then its RandomSampler draws a
    /// seed the same way, seeds a fresh generator with it and takes its `randperm(n)`.
    public func shuffledOrder(_ n: Int) -> [Int] {
        _ = nextInt64()
        return RandomGenerator(seed: UInt64(nextInt64())).randperm(n)
    }

    /// A random permutation of 0..<n, as `torch.randperm(n)` with this generator.
    public func randperm(_ n: Int) -> [Int] {
        precondition(n >= 0, "randperm: negative count \(n)")
        var result = Array(0..<n)
        if n < Int(UInt32.max / 20) {
            // Fisher-Yates from the front, z = random() % (n - i), as ATen for small n.
            var i = 0
            while i < n - 1 {
                let z = Int(nextUInt32() % UInt32(n - i))
                result.swapAt(i, z + i)
                i += 1
            }
        } else {
            // ATen's inside-out variant with 64-bit draws for huge n.
            for i in 0..<n {
                let z = Int(nextUInt64() % UInt64(i + 1))
                result[i] = result[z]
                result[z] = i
            }
        }
        return result
    }

    // Standard MT19937 state transition over all 624 words (the index arithmetic of
    // words[(i + 1) % n] and words[(i + m) % n] split into straight loops).
    private func twist() {
        let n = Self.stateSize, m = 397
        words.withUnsafeMutableBufferPointer { w in
            @inline(__always) func mix(_ i: Int, _ next: Int, _ far: Int) {
                let y = (w[i] & 0x8000_0000) | (w[next] & 0x7fff_ffff)
                w[i] = w[far] ^ (y >> 1) ^ (y & 1 != 0 ? 0x9908_b0df : 0)
            }
            for i in 0..<(n - m) { mix(i, i + 1, i + m) }
            for i in (n - m)..<(n - 1) { mix(i, i + 1, i + m - n) }
            mix(n - 1, 0, m - 1)
        }
        index = 0
    }
}

/// Everything needed to continue a `RandomGenerator` exactly where it was (checkpoints).
public struct RandomGeneratorState: Codable, Equatable, Sendable {
    /// The seed the generator was created with.
    public var seed: UInt64
    /// The 624 MT19937 state words.
    public var words: [UInt32]
    /// Position of the next word to temper (624 means a twist is due).
    public var index: Int
    /// The cached second Box-Muller sample, if any.
    public var nextNormal: Double?
}

extension RandomGenerator {
    /// The generator's full state, to save; `restore(_:)` continues from it exactly.
    public var state: RandomGeneratorState {
        RandomGeneratorState(seed: seed, words: words, index: index, nextNormal: nextNormal)
    }

    /// A generator continuing from a saved state; nil when the state is malformed.
    public convenience init?(state: RandomGeneratorState) {
        self.init(seed: state.seed)
        guard restore(state) else { return nil }
    }

    /// Puts the generator back into a saved state. Returns false, changing nothing, when the
    /// state is malformed (a checkpoint file is untrusted input).
    @discardableResult
    public func restore(_ state: RandomGeneratorState) -> Bool {
        guard state.words.count == Self.stateSize, (0...Self.stateSize).contains(state.index) else {
            return false
        }
        words = state.words
        index = state.index
        nextNormal = state.nextNormal
        return true
    }
}
