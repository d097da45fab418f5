#include "batchnorm_kernels.h"

// Multiversioned as kernels.c's loops. Eight lanes of clang vectors (eight doubles, one
// AVX-512 register) so the loops vectorise: each lane's arithmetic is the scalar one in
// the same order (no contraction), so every clone, and the scalar tails, give the same bits
// as a loop over eight partial sums would.
#include "kernel_dispatch.h"

typedef float f8 __attribute__((ext_vector_type(8)));
typedef double d8 __attribute__((ext_vector_type(8)));
typedef int i8 __attribute__((ext_vector_type(8)));
// The same vector at any float's alignment, for unaligned loads and stores.
typedef float f8u __attribute__((ext_vector_type(8), aligned(4)));

// Macros, not functions: a vector argument of a function would change the baseline clone's ABI.
#define load8(p) ((f8)*(const f8u *)(p))
#define store8(p, v) (*(f8u *)(p) = (v))
#define widen(v) __builtin_convertvector((v), d8)
#define narrow(v) __builtin_convertvector((v), f8)
// dy where relu's output y is positive, else +0 (as a select would give; NaN y gives 0).
#define masked8(y, dy) ((f8)((i8)(dy) & ((y) > 0.0f)))
static inline float masked(float y, float dy) { return y > 0.0f ? dy : 0.0f; }

LRS_MULTIVERSION void lrs_bn_backward_sums(const float *x, const float *y, const float *dy, long n, double mean,
                                           double *sum_dy, double *dot) {
    d8 s = 0, d = 0;
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        f8 g = load8(dy + i);
        if (y) g = masked8(load8(y + i), g);
        d8 gd = widen(g);
        s += gd;
        d += (widen(load8(x + i)) - mean) * gd;
    }
    double ts = 0, td = 0;
    for (int l = 0; l < 8; l++) { ts += s[l]; td += d[l]; }
    for (; i < n; i++) {
        double g = (double)(y ? masked(y[i], dy[i]) : dy[i]);
        ts += g;
        td += ((double)x[i] - mean) * g;
    }
    *sum_dy += ts;
    *dot += td;
}

LRS_MULTIVERSION void lrs_bn_backward_input(const float *x, const float *y, const float *dy, float *dx, long n,
                                            double mean, double mean_dy, double projection, double inv_std,
                                            double weight) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        f8 g = load8(dy + i);
        if (y) g = masked8(load8(y + i), g);
        d8 v = (widen(g) - mean_dy - (widen(load8(x + i)) - mean) * projection) * inv_std * weight;
        store8(dx + i, narrow(v));
    }
    for (; i < n; i++) {
        double g = (double)(y ? masked(y[i], dy[i]) : dy[i]);
        dx[i] = (float)((g - mean_dy - ((double)x[i] - mean) * projection) * inv_std * weight);
    }
}

LRS_MULTIVERSION void lrs_bn_apply(const float *x, float *y, long n, float alpha, float beta, int relu) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        f8 v = load8(x + i) * alpha + beta;
        // v > 0 is false for NaN; v != v keeps NaN, as relu does.
        if (relu) v = (f8)((i8)v & ((v > 0.0f) | (v != v)));
        store8(y + i, v);
    }
    for (; i < n; i++) {
        float v = x[i] * alpha + beta;
        y[i] = !relu || v > 0.0f || v != v ? v : 0.0f;
    }
}
