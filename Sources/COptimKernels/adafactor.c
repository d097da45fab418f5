#include <stdlib.h>
#include "optim_kernels.h"
#include "kernel_support.h"

// Adafactor's step for one parameter, as torch's _single_tensor_adafactor:
//   α = max(ε2, ‖p‖ / √n) min(lr, 1 / √t)
//   p = p (1 - lr λ)
//   G = ±grad;  w = t^beta2_decay
//   R = lerp(R, mean_c G², w);  C = lerp(C, mean_r G², w);  V = R C / max(mean(R), ε1)   >= 2-D
//   V = lerp(V, G², w)                                                                 otherwise
//   U = G / √max(V, ε1²)
//   p = p - α / max(1, ‖U‖ / (√n d)) U
//
// The reductions round as torch 2.13's CPU kernels do on this machine, float accumulators
// throughout (checked element by element against torch for every length up to 37): a 2-norm
// over contiguous elements (the tensor, a row) keeps eight lanes, element i in lane i % 8,
// folds them in order, then adds the last n % 8 squares one at a time, the first four of them
// rounded before the sum, the rest with one fused multiply-add each; a column's 2-norm adds
// rounded squares down the rows; the mean of the row factors keeps four partial sums, r % 4,
// added in order.

enum { LANES = 8, CHUNK = 1024 };

// Squares of x[0..count) added into the lanes, x[0] being element `base` of the flattened
// tensor; elements from `lane_end` on are copied to `tail` (at index - lane_end) instead.
LRS_INLINE void accumulate_squares(float *restrict lanes, const float *restrict x, long count, long base,
                                   long lane_end, float *restrict tail) {
    long c = 0;
    for (; c < count && ((base + c) & (LANES - 1)) != 0 && base + c < lane_end; c++)
        lanes[(base + c) & (LANES - 1)] = lanes[(base + c) & (LANES - 1)] + x[c] * x[c];
    for (; c + LANES <= count && base + c + LANES <= lane_end; c += LANES)
        for (int j = 0; j < LANES; j++) lanes[j] = lanes[j] + x[c + j] * x[c + j];
    for (; c < count && base + c < lane_end; c++)
        lanes[(base + c) & (LANES - 1)] = lanes[(base + c) & (LANES - 1)] + x[c] * x[c];
    for (; c < count; c++) tail[base + c - lane_end] = x[c];
}

// The folded lanes plus the tail's squares, one at a time; the 2-norm is its square root.
LRS_INLINE float fold(const float *lanes, const float *tail, long tail_count) {
    float sum = lanes[0];
    for (int j = 1; j < LANES; j++) sum = sum + lanes[j];
    long i = 0;
    if (tail_count >= 4)
        for (; i < 4; i++) sum = sum + tail[i] * tail[i];
    for (; i < tail_count; i++) sum = fused(tail[i], tail[i], sum);
    return sum;
}

LRS_INLINE float norm2(const float *restrict x, long n) {
    float lanes[LANES] = {0}, tail[LANES];
    accumulate_squares(lanes, x, n, 0, n - n % LANES, tail);
    return sqrtf(fold(lanes, tail, n % LANES));
}

// U for `count` elements from estimates `v` (V before its clamp) and gradients `g`.
LRS_INLINE void update_elements(float *restrict u, const float *restrict v, const float *restrict g, long count,
                                float sign, float floor) {
    for (long i = 0; i < count; i++) {
        float clamped = v[i] < floor ? floor : v[i];
        u[i] = 1.0f / sqrtf(clamped) * (sign * g[i]);
    }
}

// Row r's estimates R_r C_c / mean(R) of a factored matrix.
LRS_INLINE void factored_row(float *restrict v, float row, const float *restrict col, float mean, long cols) {
    for (long c = 0; c < cols; c++) v[c] = row * col[c] / mean;
}

// p = p (1 - lr λ) + step U over `count` elements.
LRS_INLINE void apply(float *restrict p, const float *restrict u, long count, float shrink, bool has_decay,
                      float step) {
    for (long i = 0; i < count; i++) {
        float pi = has_decay ? p[i] * shrink : p[i];
        p[i] = fused(step, u[i], pi);
    }
}

LRS_MULTIVERSION void lrs_adafactor(const lrs_adafactor_args *a) {
    float *restrict p = a->p;
    const float *restrict grad = a->g;
    const long n = a->count, lane_end = n - n % LANES;
    const float sign = a->sign, w = a->weight, eps1 = a->eps1, floor = a->eps1_squared;
    double alpha = (double)norm2(p, n) / sqrt((double)n);
    alpha = (alpha > a->eps2 ? alpha : a->eps2) * a->rho;

    float lanes[LANES] = {0}, tail[LANES];
    if (a->factored) {
        const long rows = a->rows, cols = a->cols, matrices = n / (rows * cols);
        float *col_sums = malloc(sizeof(float) * (size_t)cols * 3);
        float *v = col_sums + cols, *u = v + cols;
        for (long m = 0; m < matrices; m++) {
            const float *gm = grad + m * rows * cols;
            float *row_var = a->row_var + m * rows, *col_var = a->col_var + m * cols;
            for (long c = 0; c < cols; c++) col_sums[c] = 0;
            for (long r = 0; r < rows; r++) {
                const float *g_row = gm + r * cols;
                float norm = norm2(g_row, cols);
                row_var[r] = lerp(row_var[r], norm * norm / (float)cols, w);
                for (long c = 0; c < cols; c++) col_sums[c] = col_sums[c] + g_row[c] * g_row[c];
            }
            for (long c = 0; c < cols; c++) {
                float norm = sqrtf(col_sums[c]);
                col_var[c] = lerp(col_var[c], norm * norm / (float)rows, w);
            }
            float partial[4] = {0};
            for (long r = 0; r < rows; r++) partial[r % 4] = partial[r % 4] + row_var[r];
            float mean = (((partial[0] + partial[1]) + partial[2]) + partial[3]) / (float)rows;
            mean = mean < eps1 ? eps1 : mean;
            a->row_scratch[m] = mean;
            for (long r = 0; r < rows; r++) {
                factored_row(v, row_var[r], col_var, mean, cols);
                long base = (m * rows + r) * cols;
                update_elements(u, v, grad + base, cols, sign, floor);
                accumulate_squares(lanes, u, cols, base, lane_end, tail);
            }
        }
        double denominator = (double)sqrtf(fold(lanes, tail, n % LANES)) / (sqrt((double)n) * a->d);
        float step = (float)(-alpha / (denominator > 1 ? denominator : 1));
        for (long m = 0; m < matrices; m++) {
            const float *row_var = a->row_var + m * rows, *col_var = a->col_var + m * cols;
            for (long r = 0; r < rows; r++) {
                long base = (m * rows + r) * cols;
                factored_row(v, row_var[r], col_var, a->row_scratch[m], cols);
                update_elements(u, v, grad + base, cols, sign, floor);
                apply(p + base, u, cols, a->shrink, a->has_decay, step);
            }
        }
        free(col_sums);
    } else {
        float *restrict variance = a->variance;
        float u[CHUNK];
        for (long start = 0; start < n; start += CHUNK) {
            long count = n - start < CHUNK ? n - start : CHUNK;
            float *v = variance + start;
            const float *g = grad + start;
            for (long i = 0; i < count; i++) {
                float gi = sign * g[i];
                v[i] = lerp(v[i], gi * gi, w);
            }
            update_elements(u, v, g, count, sign, floor);
            accumulate_squares(lanes, u, count, start, lane_end, tail);
        }
        double denominator = (double)sqrtf(fold(lanes, tail, n % LANES)) / (sqrt((double)n) * a->d);
        float step = (float)(-alpha / (denominator > 1 ? denominator : 1));
        for (long start = 0; start < n; start += CHUNK) {
            long count = n - start < CHUNK ? n - start : CHUNK;
            update_elements(u, variance + start, grad + start, count, sign, floor);
            apply(p + start, u, count, a->shrink, a->has_decay, step);
        }
    }
}
