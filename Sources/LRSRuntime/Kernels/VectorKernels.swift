/// Hot elementwise loops written with explicit SIMD, since the compiler leaves branchy or
/// order-sensitive scalar loops (a select with a conditional load, a float sum) unvectorised.
enum VectorKernels {
    typealias Lanes = SIMD8<Float>

    /// y = max(x, 0), NaN kept (as torch.relu).
    static func relu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        var i = range.lowerBound
        let zero = Lanes(repeating: 0)
        while i + 8 <= range.upperBound {
            let v = load(x + i)
            // v .> 0 is false for NaN; v .!= v keeps NaN.
            store(zero.replacing(with: v, where: (v .> zero) .| (v .!= v)), y + i)
            i += 8
        }
        while i < range.upperBound {
            y[i] = x[i] > 0 || x[i].isNaN ? x[i] : 0
            i += 1
        }
    }

    /// dx = dy where x > 0, else 0.
    static func reluBackward(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                             _ range: Range<Int>) {
        var i = range.lowerBound
        let zero = Lanes(repeating: 0)
        while i + 8 <= range.upperBound {
            store(zero.replacing(with: load(dy + i), where: load(x + i) .> zero), dx + i)
            i += 8
        }
        while i < range.upperBound {
            let g = dy[i]
            dx[i] = x[i] > 0 ? g : 0
            i += 1
        }
    }

    /// The sum of `count` floats, in eight interleaved partial sums.
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = Lanes(repeating: 0)
        var i = 0
        while i + 8 <= count {
            acc += load(x + i)
            i += 8
        }
        var total = acc.sum()
        while i < count {
            total += x[i]
            i += 1
        }
        return total
    }

    /// y[i] += x[i].
    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(y + i) + load(x + i), y + i)
            i += 8
        }
        while i < count {
            y[i] += x[i]
            i += 1
        }
    }

    /// dst[i] = src[i] for short runs, where a memmove call costs more than the copy.
    @inline(__always)
    static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        guard count < 64 else {
            dst.update(from: src, count: count)
            return
        }
        var i = 0
        while i + 8 <= count {
            store(load(src + i), dst + i)
            i += 8
        }
        while i < count {
            dst[i] = src[i]
            i += 1
        }
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
    }

    @inline(__always) static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }
}
