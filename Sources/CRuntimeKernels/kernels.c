#include "runtime_kernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernel_dispatch.h"

// Partial sums kept per lane, so reductions vectorise without reassociation flags.
#define LANES 16

LRS_INLINE float bits_to_float(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }

// exp(x) in float to about 1 ulp (Cephes' polynomial after a two-part reduction by ln 2),
// branch-free so loops over it vectorise; 0 below -104, inf above 88.72, NaN kept.
LRS_INLINE float fast_expf(float x) {
    float c = x < -104.0f ? -104.0f : (x > 88.0f ? 88.0f : x);
    float k = rintf(c * 1.44269504088896341f);
    float r = fmaf(k, -0.693359375f, c);
    r = fmaf(k, 2.12194440e-4f, r);
    float p = 1.9875691500e-4f;
    p = fmaf(p, r, 1.3981999507e-3f);
    p = fmaf(p, r, 8.3334519073e-3f);
    p = fmaf(p, r, 4.1665795894e-2f);
    p = fmaf(p, r, 1.6666665459e-1f);
    p = fmaf(p, r, 5.0000001201e-1f);
    p = fmaf(p, r * r, r) + 1.0f;
    int32_t ki = (int32_t)k;
    int32_t k1 = ki >> 1, k2 = ki - k1;
    float result = p * bits_to_float((uint32_t)(k1 + 127) << 23) * bits_to_float((uint32_t)(k2 + 127) << 23);
    result = x > 88.72283935546875f ? INFINITY : result;
    result = x < -103.97f ? 0.0f : result;
    return x != x ? x : result;
}

// ATen's Vectorized<float>::erf: sign(x) (1 - r(t) t exp(-x^2)), t = 1 / (1 + p |x|)
// (Abramowitz and Stegun 7.1.26), each step the same fused operation.
LRS_INLINE float aten_erf(float x) {
    float a = fabsf(x);
    float t = 1.0f / fmaf(0.3275911f, a, 1.0f);
    float r = fmaf(1.061405429f, t, -1.453152027f);
    r = fmaf(r, t, 1.421413741f);
    r = fmaf(r, t, -0.284496736f);
    r = fmaf(r, t, 0.254829592f);
    float e = -fast_expf(-(x * x));
    float v = fmaf(e * t, r, 1.0f);
    return copysignf(v, x);
}

LRS_MULTIVERSION void lrs_gelu_forward(const float *restrict x, float *restrict y, long lo, long hi) {
    const float alpha = (float)M_SQRT1_2;
    for (long i = lo; i < hi; i++) y[i] = x[i] * 0.5f * (1.0f + aten_erf(x[i] * alpha));
}

LRS_MULTIVERSION void lrs_gelu_backward(const float *restrict x, const float *restrict dy, float *restrict dx,
                                        long lo, long hi) {
    const float alpha = (float)M_SQRT1_2, beta = (float)(M_2_SQRTPI * M_SQRT1_2 * 0.5);
    for (long i = lo; i < hi; i++) {
        float v = x[i];
        float cdf = 0.5f * (1.0f + aten_erf(v * alpha));
        float pdf = beta * fast_expf(v * v * -0.5f);
        dx[i] = dy[i] * (v * pdf + cdf);
    }
}

LRS_MULTIVERSION void lrs_gelu_forward_keeping_cdf(const float *restrict x, float *restrict y, float *restrict cdf,
                                                   long lo, long hi) {
    const float alpha = (float)M_SQRT1_2;
    for (long i = lo; i < hi; i++) {
        // x * 0.5 * (1 + erf) rounds as x * (0.5 * (1 + erf)): halving is exact.
        float c = 0.5f * (1.0f + aten_erf(x[i] * alpha));
        cdf[i] = c;
        y[i] = x[i] * c;
    }
}

LRS_MULTIVERSION void lrs_gelu_backward_from_cdf(const float *restrict x, const float *restrict cdf,
                                                 const float *restrict dy, float *restrict dx, long lo, long hi) {
    const float beta = (float)(M_2_SQRTPI * M_SQRT1_2 * 0.5);
    for (long i = lo; i < hi; i++) {
        float v = x[i];
        float pdf = beta * fast_expf(v * v * -0.5f);
        dx[i] = dy[i] * (v * pdf + cdf[i]);
    }
}

// The largest entry, or NaN when there is one; a running maximum per lane, so it vectorises
// (the maximum is the same in any order).
LRS_INLINE float row_max(const float *s, long n) {
    float lanes[LANES];
    int nans[LANES];
    for (int l = 0; l < LANES; l++) { lanes[l] = -INFINITY; nans[l] = 0; }
    long j = 0;
    for (; j + LANES <= n; j += LANES)
        for (int l = 0; l < LANES; l++) {
            float v = s[j + l];
            lanes[l] = v > lanes[l] ? v : lanes[l];
            nans[l] |= v != v;
        }
    float m = -INFINITY;
    int nan = 0;
    for (int l = 0; l < LANES; l++) {
        m = lanes[l] > m ? lanes[l] : m;
        nan |= nans[l];
    }
    for (; j < n; j++) {
        m = s[j] > m ? s[j] : m;
        nan |= s[j] != s[j];
    }
    return nan ? NAN : m;
}

LRS_MULTIVERSION void lrs_softmax_rows(float *restrict s, long rows, long cols, int causal) {
    for (long i = 0; i < rows; i++) {
        float *row = s + i * cols;
        long valid = causal ? (i + 1 < cols ? i + 1 : cols) : cols;
        float m = row_max(row, valid);
        float acc[LANES] = {0};
        long j = 0;
        // Whole vectors while they fit in the row, masked positions selected to 0 (as ATen's
        // exp(-inf)): a causal row's partial last vector then costs no scalar exps.
        for (; j + LANES <= cols && j < valid; j += LANES)
            for (int l = 0; l < LANES; l++) {
                float e = fast_expf(row[j + l] - m);
                e = j + l < valid ? e : 0.0f;
                row[j + l] = e;
                acc[l] += e;
            }
        float sum = 0;
        for (int l = 0; l < LANES; l++) sum += acc[l];
        for (; j < valid; j++) {
            float e = fast_expf(row[j] - m);
            row[j] = e;
            sum += e;
        }
        float inverse = 1.0f / sum;
        for (j = 0; j < valid; j++) row[j] *= inverse;
        for (j = valid; j < cols; j++) row[j] = 0;
    }
}

LRS_INLINE float dot_f32(const float *a, const float *b, long n) {
    float acc[LANES] = {0};
    long j = 0;
    for (; j + LANES <= n; j += LANES)
        for (int l = 0; l < LANES; l++) acc[l] += a[j + l] * b[j + l];
    float sum = 0;
    for (int l = 0; l < LANES; l++) sum += acc[l];
    for (; j < n; j++) sum += a[j] * b[j];
    return sum;
}

LRS_MULTIVERSION void lrs_softmax_backward_rows(const float *restrict p, float *restrict g, long rows, long cols) {
    for (long i = 0; i < rows; i++) {
        const float *pr = p + i * cols;
        float *gr = g + i * cols;
        float d = dot_f32(gr, pr, cols);
        for (long j = 0; j < cols; j++) gr[j] = pr[j] * (gr[j] - d);
    }
}

LRS_MULTIVERSION float lrs_cross_entropy_row(const float *restrict z, long classes, long label, float scale,
                                            float *restrict g) {
    float m = row_max(z, classes);
    float acc[LANES] = {0};
    long j = 0;
    for (; j + LANES <= classes; j += LANES)
        for (int l = 0; l < LANES; l++) acc[l] += fast_expf(z[j + l] - m);
    float sum = 0;
    for (int l = 0; l < LANES; l++) sum += acc[l];
    for (; j < classes; j++) sum += fast_expf(z[j] - m);
    float log_sum = logf(sum);
    if (g) {
        for (j = 0; j < classes; j++) g[j] = fast_expf(z[j] - m - log_sum) * scale;
        g[label] -= scale;
    }
    return z[label] - m - log_sum;
}

LRS_MULTIVERSION double lrs_sum_f64(const float *restrict x, long n) {
    double acc[8] = {0};
    long i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++) acc[l] += (double)x[i + l];
    double sum = 0;
    for (int l = 0; l < 8; l++) sum += acc[l];
    for (; i < n; i++) sum += (double)x[i];
    return sum;
}

LRS_MULTIVERSION double lrs_centered_squares_f64(const float *restrict x, long n, double mean) {
    double acc[8] = {0};
    long i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++) { double d = (double)x[i + l] - mean; acc[l] += d * d; }
    double sum = 0;
    for (int l = 0; l < 8; l++) sum += acc[l];
    for (; i < n; i++) { double d = (double)x[i] - mean; sum += d * d; }
    return sum;
}

// The output columns lo..<hi of kernel column kj whose input column lies inside the image.
LRS_INLINE void im2col_span(long W, long kj, long S, long P, long OW, long *lo, long *hi) {
    long a = (P - kj + S - 1) / S, b = (W + P - kj + S - 1) / S;
    *lo = OW < (a > 0 ? a : 0) ? OW : (a > 0 ? a : 0);
    long h = OW < b ? OW : b;
    *hi = h > *lo ? h : *lo;
}

LRS_MULTIVERSION
void lrs_im2col(const float *x, float *col, long C, long H, long W, long K, long S, long P,
                long OH, long OW) {
    for (long c = 0; c < C; c++) {
        const float *plane = x + c * H * W;
        for (long ki = 0; ki < K; ki++) {
            for (long kj = 0; kj < K; kj++) {
                float *row = col + ((c * K + ki) * K + kj) * OH * OW;
                long lo, hi;
                im2col_span(W, kj, S, P, OW, &lo, &hi);
                if (S == 1 && OW == W) {
                    // Rows y0..<y1 read image rows; as output and image rows have the same
                    // width, they are one contiguous copy shifted by kj - P, whose entries
                    // outside lo..<hi (read from the neighbouring image row) are then zeroed.
                    long y0 = P - ki > 0 ? P - ki : 0, y1 = H + P - ki < OH ? H + P - ki : OH;
                    if (y0 > OH) y0 = OH;
                    if (y1 < y0) y1 = y0;
                    memset(row, 0, sizeof(float) * (size_t)(y0 * OW));
                    memset(row + y1 * OW, 0, sizeof(float) * (size_t)((OH - y1) * OW));
                    if (y1 == y0) continue;
                    long base = (y0 - P + ki) * W + kj - P, n = (y1 - y0) * OW;
                    long ib = base < 0 ? -base : 0, ie = H * W - base < n ? H * W - base : n;
                    float *dst = row + y0 * OW;
                    if (ie > ib) memcpy(dst + ib, plane + base + ib, sizeof(float) * (size_t)(ie - ib));
                    for (long y = 0; y < y1 - y0; y++) {
                        float *r = dst + y * OW;
                        for (long xo = 0; xo < lo; xo++) r[xo] = 0;
                        for (long xo = hi; xo < OW; xo++) r[xo] = 0;
                    }
                    if (ib > 0) memset(dst, 0, sizeof(float) * (size_t)(ib < n ? ib : n));
                    if (ie < n && ie >= 0) memset(dst + ie, 0, sizeof(float) * (size_t)(n - ie));
                    continue;
                }
                for (long y = 0; y < OH; y++) {
                    float *dst = row + y * OW;
                    long iy = y * S - P + ki;
                    if (iy < 0 || iy >= H) {
                        for (long xo = 0; xo < OW; xo++) dst[xo] = 0;
                        continue;
                    }
                    const float *src = plane + iy * W - P + kj;
                    for (long xo = 0; xo < lo; xo++) dst[xo] = 0;
                    if (S == 1) {
                        for (long xo = lo; xo < hi; xo++) dst[xo] = src[xo];
                    } else if (S == 2) {
                        // a constant stride, which vectorises as shuffles
                        for (long xo = lo; xo < hi; xo++) dst[xo] = src[2 * xo];
                    } else {
                        for (long xo = lo; xo < hi; xo++) dst[xo] = src[xo * S];
                    }
                    for (long xo = hi; xo < OW; xo++) dst[xo] = 0;
                }
            }
        }
    }
}

LRS_MULTIVERSION
void lrs_col2im(const float *col, float *dx, long C, long H, long W, long K, long S, long P,
                long OH, long OW) {
    for (long c = 0; c < C; c++) {
        float *plane = dx + c * H * W;
        for (long ki = 0; ki < K; ki++) {
            for (long kj = 0; kj < K; kj++) {
                const float *row = col + ((c * K + ki) * K + kj) * OH * OW;
                long lo, hi;
                im2col_span(W, kj, S, P, OW, &lo, &hi);
                for (long y = 0; y < OH; y++) {
                    long iy = y * S - P + ki;
                    if (iy < 0 || iy >= H) continue;
                    const float *src = row + y * OW;
                    float *dst = plane + iy * W - P + kj;
                    if (S == 1) {
                        for (long xo = lo; xo < hi; xo++) dst[xo] += src[xo];
                    } else {
                        for (long xo = lo; xo < hi; xo++) dst[xo * S] += src[xo];
                    }
                }
            }
        }
    }
}
