import CRuntimeKernels

/// The passes of `y = x W^T + b` over [rows, in] inputs, each one parallel region: the rows
/// (forward, dX) or the output features (dW, db) split across the cores, every chunk a
/// single-threaded OpenBLAS product plus its share of the bias work, so no bias pass runs
/// alone on one core. Shared by `Linear` and the attention's two projections.
enum LinearKernels {
    /// y = x W^T + b (the bias copied into y's rows, then added to by the product, as torch's
    /// addmm), then `epilogue(rows)` on each chunk's rows while they are warm in cache.
    static func forward(_ x: UnsafePointer<Float>, rows: Int, inFeatures: Int, outFeatures: Int,
                        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
                        epilogue: ((Range<Int>) -> Void)? = nil) {
        guard rows > 0, outFeatures > 0 else { return }
        guard rows >= outFeatures else {
            // Few rows (a flattened batch): BLAS.gemm splits the output features instead.
            if let bias {
                for r in 0..<rows { (y + r * outFeatures).update(from: bias, count: outFeatures) }
            }
            BLAS.gemm(transB: true, m: rows, n: outFeatures, k: inFeatures, a: x, b: weight,
                      beta: bias == nil ? 0 : 1, c: y)
            epilogue?(0..<rows)
            return
        }
        BLAS.useOneThread()
        let p = UncheckedSendable((x: x, w: weight, b: bias, y: y, epilogue: epilogue))
        ParallelFor.run(count: rows, workPerItem: inFeatures * outFeatures) { _, range in
            let y = p.value.y + range.lowerBound * outFeatures
            if let b = p.value.b {
                for r in 0..<range.count { (y + r * outFeatures).update(from: b, count: outFeatures) }
            }
            BLAS.gemmStrided(transB: true, m: range.count, n: outFeatures, k: inFeatures,
                             a: p.value.x + range.lowerBound * inFeatures, lda: inFeatures, b: p.value.w, ldb: inFeatures,
                             beta: p.value.b == nil ? 0 : 1, c: y, ldc: outFeatures)
            p.value.epilogue?(range)
        }
    }

    /// dW += dY^T X and db += the sum of dY's rows (in row order), split by output feature.
    static func parameterGradients(_ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, rows: Int,
                                   inFeatures: Int, outFeatures: Int, weightGrad: UnsafeMutablePointer<Float>?,
                                   biasGrad: UnsafeMutablePointer<Float>?) {
        guard rows > 0, outFeatures > 0, weightGrad != nil || biasGrad != nil else { return }
        // Fewer output than input features: BLAS.gemm splits dW by input feature instead.
        let splitWeight = outFeatures >= inFeatures
        if !splitWeight, let weightGrad {
            BLAS.gemm(transA: true, m: outFeatures, n: inFeatures, k: rows, a: dy, b: x, beta: 1, c: weightGrad)
        }
        BLAS.useOneThread()
        let p = UncheckedSendable((dy: dy, x: x, dw: splitWeight ? weightGrad : nil, db: biasGrad))
        ParallelFor.run(count: outFeatures, workPerItem: splitWeight ? rows * inFeatures : rows) { _, range in
            if let dw = p.value.dw {
                BLAS.gemmStrided(transA: true, m: range.count, n: inFeatures, k: rows,
                                 a: p.value.dy + range.lowerBound, lda: outFeatures, b: p.value.x, ldb: inFeatures,
                                 beta: 1, c: dw + range.lowerBound * inFeatures, ldc: inFeatures)
            }
            if let db = p.value.db {
                lrs_column_sums(p.value.dy, rows, outFeatures, range.lowerBound, range.upperBound, db)
            }
        }
    }

    /// dX = dY W (BLAS.gemm splits its rows across the cores).
    static func inputGradient(_ dy: UnsafePointer<Float>, rows: Int, inFeatures: Int, outFeatures: Int,
                              weight: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        BLAS.gemm(m: rows, n: inFeatures, k: outFeatures, a: dy, b: weight, c: dx)
    }
}
