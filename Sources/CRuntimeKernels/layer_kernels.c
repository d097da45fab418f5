#include "layer_kernels.h"
#include "runtime_kernels.h"

#include <math.h>
#include <stddef.h>

#include "kernel_dispatch.h"

LRS_MULTIVERSION void lrs_layernorm_forward(const float *restrict x, const float *restrict w,
                                            const float *restrict b, float *restrict y, float *restrict mean,
                                            float *restrict rstd, long n, long lo, long hi, double eps) {
    for (long r = lo; r < hi; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        double m = lrs_sum_f64(xr, n) / (double)n;
        double squares = lrs_centered_squares_f64(xr, n, m);
        float inv = (float)(1.0 / sqrt(squares / (double)n + eps));
        float mf = (float)m;
        mean[r] = mf;
        rstd[r] = inv;
        for (long i = 0; i < n; i++) yr[i] = (xr[i] - mf) * inv * w[i] + b[i];
    }
}

LRS_MULTIVERSION void lrs_layernorm_backward(const float *restrict x, const float *restrict dy,
                                             const float *restrict w, const float *restrict mean,
                                             const float *restrict rstd, const float *restrict addend,
                                             float *restrict dx, float *restrict dw, float *restrict db, long n,
                                             long lo, long hi) {
    for (long r = lo; r < hi; r++) {
        const float *xr = x + r * n, *dyr = dy + r * n;
        float m = mean[r], inv = rstd[r];
        if (dw)
            for (long i = 0; i < n; i++) dw[i] += dyr[i] * (xr[i] - m) * inv;
        if (db)
            for (long i = 0; i < n; i++) db[i] += dyr[i];
        if (!dx) continue;
        // Eight partial sums per quantity, so the double accumulation vectorises.
        double sg[8] = {0}, sgx[8] = {0};
        long i = 0;
        for (; i + 8 <= n; i += 8)
            for (int l = 0; l < 8; l++) {
                double g = (double)(dyr[i + l] * w[i + l]);
                sg[l] += g;
                sgx[l] += g * (double)((xr[i + l] - m) * inv);
            }
        double sumG = 0, sumGX = 0;
        for (int l = 0; l < 8; l++) { sumG += sg[l]; sumGX += sgx[l]; }
        for (; i < n; i++) {
            double g = (double)(dyr[i] * w[i]);
            sumG += g;
            sumGX += g * (double)((xr[i] - m) * inv);
        }
        float meanG = (float)(sumG / (double)n), meanGX = (float)(sumGX / (double)n);
        float *dxr = dx + r * n;
        for (i = 0; i < n; i++) {
            float xhat = (xr[i] - m) * inv;
            dxr[i] = inv * (dyr[i] * w[i] - meanG - xhat * meanGX);
        }
        if (addend) {
            const float *ar = addend + r * n;
            for (i = 0; i < n; i++) dxr[i] += ar[i];
        }
    }
}

LRS_MULTIVERSION void lrs_column_sums(const float *restrict x, long rows, long cols, long lo, long hi,
                                      float *restrict out) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        for (long j = lo; j < hi; j++) out[j] += xr[j];
    }
}

LRS_MULTIVERSION void lrs_add(const float *a, const float *b, float *y, long lo, long hi) {
    for (long i = lo; i < hi; i++) y[i] = a[i] + b[i];
}

LRS_MULTIVERSION void lrs_scale_columns(float *restrict x, long cols, long n, float s, long lo, long hi) {
    for (long r = lo; r < hi; r++) {
        float *xr = x + r * cols;
        for (long j = 0; j < n; j++) xr[j] *= s;
    }
}
