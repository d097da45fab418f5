#include "batchnorm_kernels.h"

// Multiversioned as kernels.c's loops: each element's arithmetic is the scalar one (no
// contraction), partial sums kept per lane, so every clone gives the same bits.
#if defined(__x86_64__) && defined(__ELF__)
#define LRS_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LRS_MULTIVERSION
#endif

// The gradient a fused relu lets through: dy where relu's output is positive, else 0. Both
// are loaded unconditionally, so the selection vectorises.
static inline float masked(float y, float dy) { return y > 0.0f ? dy : 0.0f; }

LRS_MULTIVERSION void lrs_bn_backward_sums(const float *restrict x, const float *restrict y,
                                           const float *restrict dy, long n, double mean,
                                           double *sum_dy, double *dot) {
    double s[8] = {0}, d[8] = {0};
    long i = 0;
    if (y) {
        for (; i + 8 <= n; i += 8)
            for (int l = 0; l < 8; l++) {
                double g = (double)masked(y[i + l], dy[i + l]);
                s[l] += g;
                d[l] += ((double)x[i + l] - mean) * g;
            }
    } else {
        for (; i + 8 <= n; i += 8)
            for (int l = 0; l < 8; l++) {
                double g = (double)dy[i + l];
                s[l] += g;
                d[l] += ((double)x[i + l] - mean) * g;
            }
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
    if (y) {
        for (long i = 0; i < n; i++) {
            double g = (double)masked(y[i], dy[i]);
            dx[i] = (float)((g - mean_dy - ((double)x[i] - mean) * projection) * inv_std * weight);
        }
    } else {
        for (long i = 0; i < n; i++) {
            double g = (double)dy[i];
            dx[i] = (float)((g - mean_dy - ((double)x[i] - mean) * projection) * inv_std * weight);
        }
    }
}

LRS_MULTIVERSION void lrs_bn_apply(const float *x, float *y, long n, float alpha, float beta, int relu) {
    if (relu) {
        for (long i = 0; i < n; i++) {
            float v = x[i] * alpha + beta;
            // v > 0 is false for NaN; v != v keeps NaN, as relu does.
            y[i] = v > 0.0f || v != v ? v : 0.0f;
        }
    } else {
        for (long i = 0; i < n; i++) y[i] = x[i] * alpha + beta;
    }
}
