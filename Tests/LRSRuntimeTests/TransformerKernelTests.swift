import Testing
import LRSLayers
@testable import LRSRuntime

/// The transformer's row kernels (layernorm in C with per-block gradient partials, linear over
/// [rows, in] split by rows and by output feature) against plain double loops, on odd shapes
/// that leave partial blocks and uneven splits, and each bit-identical split across the cores
/// or not; and the causal attention's block cover.
@Suite(.serialized) struct TransformerKernelTests {
    /// Runs a one-layer model forward and backward; returns y, dx and the parameter gradients.
    private static func run(_ spec: LayerSpec, inputShape: [Int], batch: Int, seed: UInt64) throws
        -> (x: [Float], dy: [Float], params: [[Float]], results: [[Float]]) {
        let generator = RandomGenerator(seed: seed)
        let model = Sequential(layers: [("0", spec)], inputShape: inputShape, generator: generator)
        for (_, p) in model.parameters {
            for i in 0..<p.value.count { p.value.data[i] += generator.uniformFloat(from: -0.3, to: 0.3) }
        }
        let x = Tensor(zeros: [batch] + inputShape)
        generator.fillUniform(x, from: -2, to: 2)
        let y = model.forward(x)
        let dy = model.outputGradient(batch: batch)
        generator.fillUniform(dy, from: -1, to: 1)
        let dyValues = dy.values
        model.zeroGrad()
        let dx = try #require(model.backward(dy, computeInputGradient: true))
        return (x.values, dyValues, model.parameters.map { $0.parameter.value.values },
                [y.values, dx.values] + model.parameters.map { $0.parameter.grad.values })
    }

    /// `run` with the loops split as usual, then with every loop on one thread.
    private static func splitAndSerial(_ spec: LayerSpec, inputShape: [Int], batch: Int, seed: UInt64) throws
        -> (split: (x: [Float], dy: [Float], params: [[Float]], results: [[Float]]), serial: [[Float]]) {
        let split = try run(spec, inputShape: inputShape, batch: batch, seed: seed)
        let serial = try ParallelFor.$serial.withValue(true) {
            try run(spec, inputShape: inputShape, batch: batch, seed: seed)
        }
        return (split, serial.results)
    }

    @Test func layerNormMatchesPlainLoopsSplitOrNot() throws {
        // 8 x 121 = 968 rows of 37: 15 full blocks of 64 rows and a partial one, split unevenly.
        let n = 37, rows = 968
        #expect(ParallelFor.splits(count: rows, workPerItem: 8 * n))
        #expect(ParallelFor.splits(count: 16, workPerItem: 12 * n * LayerNorm.blockRows))
        let (split, serial) = try Self.splitAndSerial(.layernorm(features: n), inputShape: [121, n], batch: 8, seed: 61)
        #expect(split.results == serial, "layernorm differs split across the cores")
        let x = split.x.map(Double.init), dy = split.dy.map(Double.init)
        let w = split.params[0].map(Double.init), b = split.params[1].map(Double.init)
        var y = [Double](repeating: 0, count: rows * n), dx = y
        var dw = [Double](repeating: 0, count: n), db = dw
        for r in 0..<rows {
            let row = x[(r * n)..<(r * n + n)]
            let mean = row.reduce(0, +) / Double(n)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
            let rstd = 1 / (variance + 1e-5).squareRoot()
            let xhat = row.map { ($0 - mean) * rstd }
            var meanG = 0.0, meanGX = 0.0
            for i in 0..<n {
                y[r * n + i] = xhat[i] * w[i] + b[i]
                dw[i] += dy[r * n + i] * xhat[i]
                db[i] += dy[r * n + i]
                meanG += dy[r * n + i] * w[i] / Double(n)
                meanGX += dy[r * n + i] * w[i] * xhat[i] / Double(n)
            }
            for i in 0..<n { dx[r * n + i] = rstd * (dy[r * n + i] * w[i] - meanG - xhat[i] * meanGX) }
        }
        for (index, expected) in [y, dx, dw, db].enumerated() {
            #expect(relativeError(split.results[index], expected.map { Float($0) }) < 1e-5, "result \(index)")
        }
    }

    @Test func linearOnRowsMatchesPlainLoopsSplitOrNot() throws {
        // 4 x 467 = 1868 rows of 11 features to 13: split by rows (forward, dX) and by output
        // feature (dW, db: more outputs than inputs), both uneven.
        let inF = 11, out = 13, rows = 1868
        #expect(ParallelFor.splits(count: rows, workPerItem: inF * out))
        #expect(ParallelFor.splits(count: out, workPerItem: rows * inF))
        let (split, serial) = try Self.splitAndSerial(.linear(in: inF, out: out), inputShape: [467, inF], batch: 4, seed: 62)
        for (index, (a, b)) in zip(split.results, serial).enumerated() {
            #expect(relativeError(a, b) < 1e-6, "result \(index) split across the cores")
        }
        let x = split.x.map(Double.init), dy = split.dy.map(Double.init)
        let w = split.params[0].map(Double.init), b = split.params[1].map(Double.init)
        var y = [Double](repeating: 0, count: rows * out), dx = [Double](repeating: 0, count: rows * inF)
        var dw = [Double](repeating: 0, count: out * inF), db = [Double](repeating: 0, count: out)
        for r in 0..<rows {
            for o in 0..<out {
                var acc = b[o]
                for i in 0..<inF {
                    acc += x[r * inF + i] * w[o * inF + i]
                    dw[o * inF + i] += dy[r * out + o] * x[r * inF + i]
                    dx[r * inF + i] += dy[r * out + o] * w[o * inF + i]
                }
                y[r * out + o] = acc
                db[o] += dy[r * out + o]
            }
        }
        for (index, expected) in [y, dx, dw, db].enumerated() {
            #expect(relativeError(split.results[index], expected.map { Float($0) }) < 1e-5, "result \(index)")
        }
    }

    @Test func geluKeepingItsCDFGivesThePlainPathsValues() throws {
        // An odd count over the whole range erf bends in, extremes and signed zeros included.
        let count = 1037
        var values = (0..<(count - 6)).map { Float($0) / Float(count - 7) * 24 - 12 }
        values += [0, -0.0, 1e-30, -1e-30, 40, -40]
        func run(training: Bool) throws -> [[Float]] {
            let model = Sequential(layers: [("0", .gelu)], inputShape: [count], generator: RandomGenerator(seed: 64))
            model.isTraining = training
            let x = Tensor(shape: [1, count], values: values)
            let y = model.forward(x)
            let dy = model.outputGradient(batch: 1)
            RandomGenerator(seed: 65).fillUniform(dy, from: -1, to: 1)
            let dx = try #require(model.backward(dy, computeInputGradient: true))
            return [y.values, dx.values]
        }
        let kept = try run(training: true), plain = try run(training: false)
        #expect(kept[0].map(\.bitPattern) == plain[0].map(\.bitPattern), "forward")
        #expect(kept[1].map(\.bitPattern) == plain[1].map(\.bitPattern), "backward")
    }

    @Test(arguments: [LayerSpec.layernorm(features: 11), .rmsnorm(features: 11)])
    func preNormResidualAddsTheSkipGradientInTheNormPass(_ norm: LayerSpec) throws {
        // The same block twice: the norm first in the body (its backward adds the skip
        // gradient), and wrapped in a nested sequence (the residual adds it in its own pass).
        let width = 11
        let direct: [NamedLayer] = [NamedLayer("ln", norm), NamedLayer("fc", .linear(in: width, out: width))]
        let wrapped = [NamedLayer("0", .sequence(direct))]
        func run(_ body: [NamedLayer]) throws -> [[Float]] {
            let generator = RandomGenerator(seed: 66)
            let model = Sequential(layers: [("0", .linear(in: width, out: width)), ("1", .residual(body: body))],
                                   inputShape: [13, width], generator: generator)
            for (_, p) in model.parameters {
                for i in 0..<p.value.count { p.value.data[i] += generator.uniformFloat(from: -0.3, to: 0.3) }
            }
            let x = Tensor(zeros: [3, 13, width])
            generator.fillUniform(x, from: -2, to: 2)
            let y = model.forward(x)
            let dy = model.outputGradient(batch: 3)
            generator.fillUniform(dy, from: -1, to: 1)
            model.zeroGrad()
            let dx = try #require(model.backward(dy, computeInputGradient: true))
            return [y.values, dx.values] + model.parameters.map { $0.parameter.grad.values }
        }
        let fused = try run(direct), separate = try run(wrapped)
        #expect(fused.count == separate.count)
        for (index, (a, b)) in zip(fused, separate).enumerated() {
            #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "result \(index)")
        }
    }

    @Test(arguments: [1, 2, 3, 7, 8, 9, 64])
    func causalCoverHoldsEachUnmaskedPositionOnce(_ t: Int) {
        var byRows = [Int](repeating: 0, count: t * t), byColumns = byRows
        for (rows, columns) in Attention.rowCover(length: t, causal: true) {
            for i in rows { for j in columns { byRows[i * t + j] += 1 } }
        }
        for (columns, rows) in Attention.columnCover(length: t, causal: true) {
            for i in rows { for j in columns { byColumns[i * t + j] += 1 } }
        }
        for i in 0..<t {
            for j in 0...i {
                #expect(byRows[i * t + j] == 1 && byColumns[i * t + j] == 1, "position (\(i), \(j)) of \(t)")
            }
        }
        // Off the cover, only masked positions (and zeroMasked clears exactly those).
        let s = UnsafeMutablePointer<Float>.allocate(capacity: t * t)
        defer { s.deallocate() }
        s.update(repeating: 1, count: t * t)
        Attention.zeroMasked(s, length: t)
        for i in 0..<t {
            for j in 0..<t where byRows[i * t + j] == 0 {
                #expect(j > i && s[i * t + j] == 0, "position (\(i), \(j)) of \(t)")
            }
        }
    }

    @Test func causalAttentionOnAnOddLengthMatchesTheReference() throws {
        let (t, d, heads, batch) = (9, 6, 2, 3)
        let spec = LayerSpec.attention(dim: d, heads: heads, causal: true)
        // Too small to split across the cores: the reference is the check.
        let (split, _) = try Self.splitAndSerial(spec, inputShape: [t, d], batch: batch, seed: 63)
        let names = ["0.in_proj_weight", "0.in_proj_bias", "0.out_proj.weight", "0.out_proj.bias"]
        let params = Dictionary(uniqueKeysWithValues: zip(names, split.params.map { $0.map(Double.init) }))
        let y = DoubleReference.attention(split.x.map(Double.init), batch: batch, length: t, dim: d, heads: heads,
                                          causal: true, params: params, prefix: "0.")
        #expect(relativeError(split.results[0], y.map { Float($0) }) < 1e-5)
    }
}
