#include <stdint.h>
#include <string.h>
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
// rounded squares down the rows; the mean of the row factors is a sum in torch's order for a
// contiguous sum (torch_sum below), divided by the row count.
//
// The factored step takes three passes over a parameter: the gradient's row and column sums,
// the update U with its norm and the parameter's (U kept in a buffer), then the parameter's
// move by U. The first reads the gradient twice: the rows' norms, one row from each quarter of
// the matrix at a time (four independent chains of additions over four long runs through
// memory, which the hardware prefetcher follows; four adjacent rows would start four short
// runs every four rows), then the column sums, down the rows in order, mostly from the cache.
// The second pass asks for the parameter PREFETCH elements ahead of its blocks.

enum { LANES = 8, CHUNK = 1024, BLOCK = 128, PREFETCH = 1024 };

// Eight float lanes in one vector register (two halves on the baseline build).
typedef float lanes8 __attribute__((vector_size(32)));

// v = x[0..8) (a macro: vectors passed by value would change the baseline build's ABI).
#define LOAD8(v, x) memcpy(&(v), (x), sizeof(lanes8))

// Squares of x[0..count) added into the lanes, x[0] being element `base` of the flattened
// tensor; elements from `lane_end` on are copied to `tail` (at index - lane_end) instead.
LRS_INLINE void accumulate_squares(float *restrict lanes, const float *restrict x, long count, long base,
                                   long lane_end, float *restrict tail) {
    long c = 0;
    for (; c < count && ((base + c) & (LANES - 1)) != 0 && base + c < lane_end; c++)
        lanes[(base + c) & (LANES - 1)] = lanes[(base + c) & (LANES - 1)] + x[c] * x[c];
    lanes8 acc, v;
    LOAD8(acc, lanes);
    for (; c + LANES <= count && base + c + LANES <= lane_end; c += LANES) {
        LOAD8(v, x + c);
        acc = acc + v * v;
    }
    memcpy(lanes, &acc, sizeof acc);
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

// The sum of squares of x[0..n) (its 2-norm before the root).
LRS_INLINE float sum_squares(const float *restrict x, long n) {
    float lanes[LANES] = {0}, tail[LANES];
    accumulate_squares(lanes, x, n, 0, n - n % LANES, tail);
    return fold(lanes, tail, n % LANES);
}

// The estimates `v` (V before its clamp) of `count` elements moved towards their squared
// gradients `g` by `w`, and their updates U.
LRS_INLINE void update_elements(float *restrict u, float *restrict v, const float *restrict g, long count,
                                float sign, float floor, float w) {
    for (long i = 0; i < count; i++) {
        float gi = sign * g[i], vi = lerp(v[i], gi * gi, w);
        v[i] = vi;
        float clamped = vi < floor ? floor : vi;
        u[i] = 1.0f / sqrtf(clamped) * gi;
    }
}

// Row r's update U_rc = G_rc / √max(R_r C_c / mean(R), ε1²) of a factored matrix. With
// `by_reciprocal`, x / mean is x·(1/mean) corrected by one exact residual, r = x - q·mean,
// q + r·(1/mean): that rounds as the division does (Markstein's theorem: 1/mean correctly
// rounded, no value near underflow or overflow, which the caller checks) at the cost of three
// multiply-adds instead of a division.
LRS_INLINE void factored_update_row(float *restrict u, const float *restrict g, float row, const float *restrict col,
                                    float mean, float inverse, long cols, float sign, float floor,
                                    bool by_reciprocal) {
    for (long c = 0; c < cols; c++) {
        float x = row * col[c], v;
        if (by_reciprocal) {
            float q = x * inverse;
            v = fused(fused(-q, mean, x), inverse, q);
        } else {
            v = x / mean;
        }
        float clamped = v < floor ? floor : v;
        u[c] = 1.0f / sqrtf(clamped) * (sign * g[c]);
    }
}

// torch 2.13's cascade_sum (aten/src/ATen/native/cpu/SumKernel.cpp) over `count` items of
// `width` consecutive floats, each item's floats summed apart: four accumulators take the items
// in turn, i % 4 (the last count % 4 go to the first); every 16 rounds of four the sums move
// up one of four levels, emptying the one below (a cascade); the levels fold down, then the
// four accumulators fold in order.
static void cascade_sum(const float *x, long count, int width, float *out) {
    enum { ILP = 4, LEVELS = 4, POWER = 4 };  // max(4, ⌈log2(count / 4)⌉ / 4): 4 up to 2^21 items
    float acc[LEVELS][ILP][LANES] = {{{0}}};
    const long size = count / ILP, mask = (1L << POWER) - 1;
    long i = 0;
    for (; i + (1L << POWER) <= size;) {
        for (long j = 0; j < 1L << POWER; j++, i++)
            for (int k = 0; k < ILP; k++)
                for (int l = 0; l < width; l++) acc[0][k][l] = acc[0][k][l] + x[(i * ILP + k) * width + l];
        for (int level = 1; level < LEVELS; level++) {
            for (int k = 0; k < ILP; k++)
                for (int l = 0; l < width; l++) {
                    acc[level][k][l] = acc[level][k][l] + acc[level - 1][k][l];
                    acc[level - 1][k][l] = 0;
                }
            if ((i & (mask << (level * POWER))) != 0) break;
        }
    }
    for (; i < size; i++)
        for (int k = 0; k < ILP; k++)
            for (int l = 0; l < width; l++) acc[0][k][l] = acc[0][k][l] + x[(i * ILP + k) * width + l];
    for (int level = 1; level < LEVELS; level++)
        for (int k = 0; k < ILP; k++)
            for (int l = 0; l < width; l++) acc[0][k][l] = acc[0][k][l] + acc[level][k][l];
    for (long t = size * ILP; t < count; t++)
        for (int l = 0; l < width; l++) acc[0][0][l] = acc[0][0][l] + x[t * width + l];
    for (int k = 1; k < ILP; k++)
        for (int l = 0; l < width; l++) acc[0][0][l] = acc[0][0][l] + acc[0][k][l];
    for (int l = 0; l < width; l++) out[l] = acc[0][0][l];
}

// The sum of x[0..n) as torch 2.13 sums contiguous floats on this machine: fewer than eight
// one by one through cascade_sum; otherwise cascade_sum over vectors of eight lanes, then the
// last n % 8 elements added one at a time from zero, then the eight lanes added to that in
// order. Checked against torch's mean over rows for every n up to 129 and for n of 255 to
// 257, 511 to 513, 600, 1000, 1023 to 1025, 2047, 2048, 3000, 4096, 5000, 8191, 8192, 10000,
// 16384 and 20000; at 65536 and 100000 torch sums otherwise (split between its threads).
static float torch_sum(const float *x, long n) {
    float lanes[LANES];
    if (n < LANES) {
        cascade_sum(x, n, 1, lanes);
        return lanes[0];
    }
    cascade_sum(x, n / LANES, LANES, lanes);
    float sum = 0;
    for (long i = n - n % LANES; i < n; i++) sum = sum + x[i];
    for (int l = 0; l < LANES; l++) sum = sum + lanes[l];
    return sum;
}

// The smallest nonzero and the largest of `n` values, false on a negative, NaN or infinite one.
static bool nonzero_range(const float *x, long n, float *smallest, float *largest) {
    // Non-negative floats order as their bit patterns, so integer minima and maxima (which run
    // in vectors) find them; any negative, NaN or infinite value has a pattern from +∞'s up.
    uint32_t low = 0x7f800000u, high = 0;
    for (long i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        bits = bits == 0x80000000u ? 0 : bits;  // -0 is a zero
        low = bits != 0 && bits < low ? bits : low;
        high = bits > high ? bits : high;
    }
    memcpy(smallest, &low, sizeof low);
    memcpy(largest, &high, sizeof high);
    return high < 0x7f800000u;
}

// Whether x / mean may be computed by the reciprocal for every product x = R_r C_c of a
// matrix: the nonzero products and their quotients stay within 2^±90, far from underflow
// and overflow (a zero product divides exactly either way).
static bool reciprocal_is_exact(const float *row, long rows, const float *col, long cols, float mean) {
    float row_low, row_high, col_low, col_high;
    if (!nonzero_range(row, rows, &row_low, &row_high) || !nonzero_range(col, cols, &col_low, &col_high)) return false;
    if (row_high == 0 || col_high == 0) return true;
    const float low = 0x1p-90f, high = 0x1p90f;
    float x_low = row_low * col_low, x_high = row_high * col_high;
    return mean >= low && mean <= high && x_low >= low && x_high <= high && x_low / mean >= low && x_high / mean <= high;
}

// p = p (1 - lr λ) + step U over `count` elements.
LRS_INLINE void apply(float *restrict p, const float *restrict u, long count, float shrink, bool has_decay,
                      float step) {
    for (long i = 0; i < count; i++) {
        float pi = has_decay ? p[i] * shrink : p[i];
        p[i] = fused(step, u[i], pi);
    }
}

// Squares of x and y, both from element `base` of the flattened tensor, each into its own
// lanes as `accumulate_squares` does: the two chains of additions interleave.
LRS_INLINE void accumulate_pair(float *restrict x_lanes, const float *restrict x, float *restrict y_lanes,
                                const float *restrict y, long count, long base, long lane_end,
                                float *restrict x_tail, float *restrict y_tail) {
    long c = 0;
    for (; c < count && ((base + c) & (LANES - 1)) != 0 && base + c < lane_end; c++) {
        x_lanes[(base + c) & (LANES - 1)] = x_lanes[(base + c) & (LANES - 1)] + x[c] * x[c];
        y_lanes[(base + c) & (LANES - 1)] = y_lanes[(base + c) & (LANES - 1)] + y[c] * y[c];
    }
    lanes8 xs, ys, xv, yv;
    LOAD8(xs, x_lanes);
    LOAD8(ys, y_lanes);
    for (; c + LANES <= count && base + c + LANES <= lane_end; c += LANES) {
        LOAD8(xv, x + c);
        LOAD8(yv, y + c);
        xs = xs + xv * xv;
        ys = ys + yv * yv;
    }
    memcpy(x_lanes, &xs, sizeof xs);
    memcpy(y_lanes, &ys, sizeof ys);
    for (; c < count && base + c < lane_end; c++) {
        x_lanes[(base + c) & (LANES - 1)] = x_lanes[(base + c) & (LANES - 1)] + x[c] * x[c];
        y_lanes[(base + c) & (LANES - 1)] = y_lanes[(base + c) & (LANES - 1)] + y[c] * y[c];
    }
    for (; c < count; c++) {
        x_tail[base + c - lane_end] = x[c];
        y_tail[base + c - lane_end] = y[c];
    }
}

// The sums of squares (2-norms before their roots) of four rows of `cols` elements, `stride`
// apart: four independent chains of additions.
LRS_INLINE void sum_squares_rows4(const float *restrict g, long cols, long stride, float *restrict out) {
    lanes8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, v0, v1, v2, v3;
    long c = 0;
    for (; c + LANES <= cols; c += LANES) {
        LOAD8(v0, g + c);
        LOAD8(v1, g + stride + c);
        LOAD8(v2, g + 2 * stride + c);
        LOAD8(v3, g + 3 * stride + c);
        a0 = a0 + v0 * v0;
        a1 = a1 + v1 * v1;
        a2 = a2 + v2 * v2;
        a3 = a3 + v3 * v3;
    }
    lanes8 all[4] = {a0, a1, a2, a3};
    for (int k = 0; k < 4; k++) {
        float lanes[LANES];
        memcpy(lanes, &all[k], sizeof lanes);
        out[k] = fold(lanes, g + k * stride + c, cols - c);
    }
}

// The squares of a rows x cols matrix added into the column sums, down the rows in order
// (four rows per visit of the sums).
LRS_INLINE void add_column_squares(const float *restrict g, long rows, long cols, float *restrict col_sums) {
    long r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *g0 = g + r * cols, *g1 = g0 + cols, *g2 = g1 + cols, *g3 = g2 + cols;
        for (long c = 0; c < cols; c++)
            col_sums[c] = (((col_sums[c] + g0[c] * g0[c]) + g1[c] * g1[c]) + g2[c] * g2[c]) + g3[c] * g3[c];
    }
    for (; r < rows; r++)
        for (long c = 0; c < cols; c++) col_sums[c] = col_sums[c] + g[r * cols + c] * g[r * cols + c];
}

// -α / max(1, ‖U‖ / (√n d)), α = max(ε2, ‖p‖ / √n) ρ, in double as torch's Python floats.
LRS_INLINE float step_size(const lrs_adafactor_args *a, const float *p_lanes, const float *p_tail,
                           const float *u_lanes, const float *u_tail) {
    const long n = a->count;
    double alpha = (double)sqrtf(fold(p_lanes, p_tail, n % LANES)) / sqrt((double)n);
    alpha = (alpha > a->eps2 ? alpha : a->eps2) * a->rho;
    double denominator = (double)sqrtf(fold(u_lanes, u_tail, n % LANES)) / (sqrt((double)n) * a->d);
    return (float)(-alpha / (denominator > 1 ? denominator : 1));
}

LRS_MULTIVERSION void lrs_adafactor(const lrs_adafactor_args *a) {
    float *restrict p = a->p;
    const float *restrict grad = a->g;
    const long n = a->count, lane_end = n - n % LANES;
    const float sign = a->sign, w = a->weight, eps1 = a->eps1, floor = a->eps1_squared;
    float lanes[LANES] = {0}, tail[LANES];
    float p_lanes[LANES] = {0}, p_tail[LANES];
    // U, then (factored) the column and row sums of squares of a matrix.
    float *restrict u = a->update;
    if (a->factored) {
        const long rows = a->rows, cols = a->cols, matrices = n / (rows * cols);
        float *col_sums = u + n, *row_sums = col_sums + cols;
        for (long m = 0; m < matrices; m++) {
            const float *gm = grad + m * rows * cols;
            float *row_var = a->row_var + m * rows, *col_var = a->col_var + m * cols;
            for (long c = 0; c < cols; c++) col_sums[c] = 0;
            // The rows' norms four at a time, one row from each quarter of the matrix.
            const long quarter = rows / 4;
            // The parameter's first elements, which the update pass reads before its own
            // requests (PREFETCH elements ahead) have run ahead, asked for now, into L2.
            for (long x = 0; x < PREFETCH && x < rows * cols; x += 16)
                __builtin_prefetch(p + m * rows * cols + x, 0, 1);
            for (long r = 0; r < quarter; r++) {
                float sums[4];
                sum_squares_rows4(gm + r * cols, cols, quarter * cols, sums);
                for (long k = 0; k < 4; k++) row_sums[r + k * quarter] = sums[k];
            }
            for (long r = 4 * quarter; r < rows; r++) row_sums[r] = sum_squares(gm + r * cols, cols);
            // The roots, squares and quotients after the sums, in a loop that runs in vectors.
            for (long r = 0; r < rows; r++) {
                float norm = sqrtf(row_sums[r]);
                row_var[r] = lerp(row_var[r], norm * norm / (float)cols, w);
            }
            // Then the column sums, in a second read of the matrix (mostly from the cache).
            // (A single column is contiguous: torch takes its norm as any contiguous one's.)
            if (cols == 1) col_sums[0] = sum_squares(gm, rows);
            else add_column_squares(gm, rows, cols, col_sums);
            for (long c = 0; c < cols; c++) {
                float norm = sqrtf(col_sums[c]);
                col_var[c] = lerp(col_var[c], norm * norm / (float)rows, w);
            }
            float mean = torch_sum(row_var, rows) / (float)rows;
            mean = mean < eps1 ? eps1 : mean;
            const float inverse = 1.0f / mean;
            const bool by_reciprocal = reciprocal_is_exact(row_var, rows, col_var, cols, mean);
            // Blocks of the flattened tensor, aligned to the norms' lanes and cut at row ends:
            // the update of a block, then its squares and the parameter's, so the norms'
            // chains of additions overlap the roots of the next block.
            const long first = m * rows * cols, last = first + rows * cols;
            for (long start = first; start < last;) {
                long end = (start / BLOCK + 1) * BLOCK;
                end = end < last ? end : last;
                for (long i = start; i < end;) {
                    long r = (i - first) / cols, c = i - first - r * cols;
                    long count = cols - c < end - i ? cols - c : end - i;
                    if (by_reciprocal)
                        factored_update_row(u + i, grad + i, row_var[r], col_var + c, mean, inverse, count, sign,
                                            floor, true);
                    else
                        factored_update_row(u + i, grad + i, row_var[r], col_var + c, mean, inverse, count, sign,
                                            floor, false);
                    i += count;
                }
                for (long x = start + PREFETCH; x < end + PREFETCH && x < n; x += 16) __builtin_prefetch(p + x);
                accumulate_pair(p_lanes, p + start, lanes, u + start, end - start, start, lane_end, p_tail, tail);
                start = end;
            }
        }
    } else {
        float *restrict variance = a->variance;
        for (long start = 0; start < n; start += CHUNK) {
            long count = n - start < CHUNK ? n - start : CHUNK;
            float *v = variance + start;
            const float *g = grad + start;
            update_elements(u + start, v, g, count, sign, floor, w);
            accumulate_pair(p_lanes, p + start, lanes, u + start, count, start, lane_end, p_tail, tail);
        }
    }
    apply(p, u, n, a->shrink, a->has_decay, step_size(a, p_lanes, p_tail, lanes, tail));
}
