import CRuntimeKernels

extension VectorKernels {
    /// y = a + b elementwise, split across the cores when large: the
    /// residual adds of a transformer are [B, T, D] passes that would otherwise run on one.
    static func parallelAdd(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                            count: Int) {
        let p = UncheckedSendable((a: a, b: b, y: y))
        ParallelFor.run(count: count, workPerItem: 2) { _, range in
            lrs_add(p.value.a, p.value.b, p.value.y, range.lowerBound, range.upperBound)
        }
    }
}
