import Foundation
import LRSLayers
@testable import LRSRuntime

/// A test-only double-precision forward of every layer and loss, written as plainly as
/// possible (naive loops, no shared code with the runtime), for finite-difference checks.
enum DoubleReference {
    /// Runs `specs` on `x` ([batch] + inputShape, flattened) with parameters `params`
    /// (state_dict name -> values) in training or evaluation mode.
    static func forward(_ specs: [LayerSpec], inputShape: [Int], batch: Int, x: [Double],
                        params: [String: [Double]], training: Bool) -> [Double] {
        var shape = inputShape
        let items = specs.enumerated().map { NamedLayer("\($0.offset)", $0.element) }
        return forward(items, prefix: "", shape: &shape, batch: batch, x: x, params: params, training: training)
    }

    /// Runs named items (a model or a container's body) whose parameters are `prefix` + the
    /// item's name + `.weight`..., updating `shape` to the output's per-sample shape.
    static func forward(_ items: [NamedLayer], prefix: String, shape: inout [Int], batch: Int, x: [Double],
                        params: [String: [Double]], training: Bool) -> [Double] {
        var v = x
        for item in items {
            let index = prefix + item.name
            let spec = item.spec
            let w = params["\(index).weight"] ?? [], b = params["\(index).bias"]
            switch spec {
            case let .linear(inF, out, _):
                // On [.., in] the last dimension; otherwise the flattened sample.
                let lastDimension = shape.count > 1 && shape.last == inF
                let rows = lastDimension ? batch * shape.reduce(1, *) / inF : batch
                var y = [Double](repeating: 0, count: rows * out)
                for s in 0..<rows {
                    for o in 0..<out {
                        var acc = b?[o] ?? 0
                        for i in 0..<inF { acc += v[s * inF + i] * w[o * inF + i] }
                        y[s * out + o] = acc
                    }
                }
                v = y
                shape = lastDimension ? shape.dropLast() + [out] : [out]
            case let .conv(c, out, k, stride, pad, _):
                let h = shape[1], wd = shape[2]
                let oh = (h + 2 * pad - k) / stride + 1, ow = (wd + 2 * pad - k) / stride + 1
                var y = [Double](repeating: 0, count: batch * out * oh * ow)
                for s in 0..<batch {
                    for o in 0..<out {
                        for i in 0..<oh {
                            for j in 0..<ow {
                                var acc = b?[o] ?? 0
                                for ci in 0..<c {
                                    for ki in 0..<k {
                                        for kj in 0..<k {
                                            let yy = i * stride - pad + ki, xx = j * stride - pad + kj
                                            guard yy >= 0, yy < h, xx >= 0, xx < wd else { continue }
                                            acc += v[((s * c + ci) * h + yy) * wd + xx] * w[((o * c + ci) * k + ki) * k + kj]
                                        }
                                    }
                                }
                                y[((s * out + o) * oh + i) * ow + j] = acc
                            }
                        }
                    }
                }
                v = y
                shape = [out, oh, ow]
            case let .maxpool(k, stride), let .avgpool(k, stride):
                let isMax: Bool
                if case .maxpool = spec { isMax = true } else { isMax = false }
                let c = shape[0], h = shape[1], wd = shape[2]
                let oh = (h - k) / stride + 1, ow = (wd - k) / stride + 1
                var y = [Double](repeating: 0, count: batch * c * oh * ow)
                for p in 0..<(batch * c) {
                    for i in 0..<oh {
                        for j in 0..<ow {
                            var acc = isMax ? -Double.infinity : 0
                            for ki in 0..<k {
                                for kj in 0..<k {
                                    let value = v[(p * h + i * stride + ki) * wd + j * stride + kj]
                                    acc = isMax ? max(acc, value) : acc + value
                                }
                            }
                            y[(p * oh + i) * ow + j] = isMax ? acc : acc / Double(k * k)
                        }
                    }
                }
                v = y
                shape = [c, oh, ow]
            case .relu: v = v.map { max($0, 0) }
            case .tanh: v = v.map { Foundation.tanh($0) }
            case .sigmoid: v = v.map { 1 / (1 + Foundation.exp(-$0)) }
            case .gelu: v = v.map { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }
            case .flatten: shape = [shape.reduce(1, *)]
            case .dropout: break
            case .batchnorm(let c):
                let spatial = shape.dropFirst().reduce(1, *), n = Double(batch * spatial)
                var y = v
                for ch in 0..<c {
                    var mean = 0.0, variance = 0.0
                    if training {
                        for s in 0..<batch { for i in 0..<spatial { mean += v[(s * c + ch) * spatial + i] } }
                        mean /= n
                        for s in 0..<batch {
                            for i in 0..<spatial { variance += pow(v[(s * c + ch) * spatial + i] - mean, 2) }
                        }
                        variance /= n
                    } else {
                        mean = params["\(index).running_mean"]?[ch] ?? 0
                        variance = params["\(index).running_var"]?[ch] ?? 1
                    }
                    for s in 0..<batch {
                        for i in 0..<spatial {
                            let at = (s * c + ch) * spatial + i
                            y[at] = (v[at] - mean) / (variance + 1e-5).squareRoot() * w[ch] + (b?[ch] ?? 0)
                        }
                    }
                }
                v = y
            case .layernorm(let f):
                var y = v
                for r in 0..<(v.count / f) {
                    let row = v[(r * f)..<(r * f + f)]
                    let mean = row.reduce(0, +) / Double(f)
                    let variance = row.reduce(0) { $0 + pow($1 - mean, 2) } / Double(f)
                    for i in 0..<f {
                        y[r * f + i] = (v[r * f + i] - mean) / (variance + 1e-5).squareRoot() * w[i] + (b?[i] ?? 0)
                    }
                }
                v = y
            case let .rmsnorm(f, eps):
                let e = eps ?? Double(Float.ulpOfOne)
                for r in 0..<(v.count / f) {
                    let meanSquare = v[(r * f)..<(r * f + f)].reduce(0) { $0 + $1 * $1 } / Double(f)
                    for i in 0..<f { v[r * f + i] = v[r * f + i] / (meanSquare + e).squareRoot() * w[i] }
                }
            case .silu: v = v.map { $0 / (1 + Foundation.exp(-$0)) }
            case .globalAvgPool:
                let plane = shape[1] * shape[2]
                v = (0..<(v.count / plane)).map { p in v[(p * plane)..<(p * plane + plane)].reduce(0, +) / Double(plane) }
                shape = [shape[0], 1, 1]
            case let .embedding(_, dim):
                v = v.flatMap { id in w[(Int(id) * dim)..<(Int(id) * dim + dim)] }
                shape = shape + [dim]
            case .posembed:
                let sample = shape.reduce(1, *)
                for i in 0..<v.count { v[i] += w[i % sample] }
            case let .attention(dim, heads, causal, _, _):
                v = attention(v, batch: batch, length: shape[0], dim: dim, heads: heads, causal: causal,
                              params: params, prefix: index + ".")
            case .sequence(let inner):
                v = forward(inner, prefix: index + ".", shape: &shape, batch: batch, x: v, params: params, training: training)
            case let .residual(body, shortcut):
                var bodyShape = shape, skipShape = shape
                let main = forward(body, prefix: index + ".", shape: &bodyShape, batch: batch, x: v, params: params,
                                   training: training)
                let skip = shortcut.map {
                    forward($0, prefix: index + ".shortcut.", shape: &skipShape, batch: batch, x: v, params: params,
                            training: training)
                } ?? v
                v = zip(main, skip).map { $0 + $1 }
                shape = bodyShape
            case let .repeat(count, body):
                for copy in 0..<count {
                    v = forward(body, prefix: "\(index).\(copy).", shape: &shape, batch: batch, x: v, params: params,
                                training: training)
                }
            }
        }
        return v
    }

    /// nn.MultiheadAttention's explicit path in double, q = k = v = x [batch, length, dim].
    static func attention(_ x: [Double], batch: Int, length t: Int, dim d: Int, heads: Int, causal: Bool,
                          params: [String: [Double]], prefix: String) -> [Double] {
        let wIn = params[prefix + "in_proj_weight"] ?? [], bIn = params[prefix + "in_proj_bias"]
        let wOut = params[prefix + "out_proj.weight"] ?? [], bOut = params[prefix + "out_proj.bias"]
        let hd = d / heads, scale = (1.0 / Double(hd)).squareRoot()
        var proj = [Double](repeating: 0, count: batch * t * 3 * d)
        for r in 0..<(batch * t) {
            for o in 0..<(3 * d) {
                var acc = bIn?[o] ?? 0
                for i in 0..<d { acc += x[r * d + i] * wIn[o * d + i] }
                proj[r * 3 * d + o] = acc
            }
        }
        var attended = [Double](repeating: 0, count: batch * t * d)
        for b in 0..<batch {
            for h in 0..<heads {
                func at(_ row: Int, _ part: Int, _ c: Int) -> Double { proj[(b * t + row) * 3 * d + part * d + h * hd + c] }
                for i in 0..<t {
                    var scores = (0..<t).map { j in
                        (0..<hd).reduce(0.0) { $0 + at(i, 0, $1) * scale * at(j, 1, $1) }
                    }
                    if causal { for j in (i + 1)..<max(t, i + 1) { scores[j] = -.infinity } }
                    let m = scores.max() ?? 0
                    let e = scores.map { Foundation.exp($0 - m) }
                    let sum = e.reduce(0, +)
                    for c in 0..<hd {
                        attended[(b * t + i) * d + h * hd + c] = (0..<t).reduce(0.0) { $0 + e[$1] / sum * at($1, 2, c) }
                    }
                }
            }
        }
        var y = [Double](repeating: 0, count: batch * t * d)
        for r in 0..<(batch * t) {
            for o in 0..<d {
                var acc = bOut?[o] ?? 0
                for i in 0..<d { acc += attended[r * d + i] * wOut[o * d + i] }
                y[r * d + o] = acc
            }
        }
        return y
    }

    /// Mean cross entropy of `logits` [batch, classes] against `labels`.
    static func crossEntropy(_ logits: [Double], classes: Int, labels: [Int]) -> Double {
        var total = 0.0
        for (row, label) in labels.enumerated() {
            let z = logits[(row * classes)..<(row * classes + classes)]
            let m = z.max() ?? 0
            let logSum = Foundation.log(z.reduce(0) { $0 + Foundation.exp($1 - m) }) + m
            total += logSum - z[row * classes + label]
        }
        return total / Double(labels.count)
    }

    /// Mean squared error.
    static func mse(_ output: [Double], _ target: [Double]) -> Double {
        zip(output, target).reduce(0) { $0 + pow($1.0 - $1.1, 2) } / Double(output.count)
    }
}
