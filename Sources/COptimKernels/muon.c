#include <stdint.h>
#include <string.h>
#include "optim_kernels.h"
#include "kernel_support.h"

// Muon's element-wise passes around the Newton-Schulz iteration (the products are oneDNN's or
// OpenBLAS's, called from Swift). torch runs the iteration in bfloat16: every matrix it produces
// is rounded to bfloat16, which `lrs_bfloat16` does to a float (round to nearest, ties to
// even, as c10::BFloat16).

LRS_INLINE float bfloat16(float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    if (x != x) bits = 0x7fc00000u;
    else bits = (bits + 0x7fffu + ((bits >> 16) & 1u)) & 0xffff0000u;
    float rounded;
    memcpy(&rounded, &bits, sizeof rounded);
    return rounded;
}

// B = lerp(B, G, 1 - μ);  O = lerp(G, B, μ) (nesterov) or B;  X = bf16(O), transposed when
// the parameter has more rows than columns (X is then cols x rows);
// X = bf16(X / bf16(max(bf16(‖X‖), ε))).
// The norm sums the bfloat16 values as torch does, in the parameter's memory order (torch
// takes it of the transposed view): eight float lanes over whole blocks of sixteen, folded
// in order, then the rest one by one (the squares of bfloat16 values are exact in float).
LRS_MULTIVERSION void lrs_muon_momentum(const lrs_muon_args *a) {
    float *restrict b = a->buffer, *restrict x = a->x;
    const float *restrict g = a->g;
    const long rows = a->rows, cols = a->cols, n = rows * cols, block_end = n - n % 16;
    const float keep = a->weight, momentum = a->momentum;
    float lanes[8] = {0}, sum = 0;
    for (long r = 0; r < rows; r++)
        for (long c = 0; c < cols; c++) {
            long i = r * cols + c;
            float bi = lerp(b[i], g[i], keep);
            b[i] = bi;
            float o = bfloat16(a->nesterov ? lerp(g[i], bi, momentum) : bi);
            x[a->transposed ? c * rows + r : i] = o;
            if (i < block_end) {
                lanes[i % 8] = lanes[i % 8] + o * o;
            } else {
                if (i == block_end)
                    for (int j = 0; j < 8; j++) sum = sum + lanes[j];
                sum = sum + o * o;
            }
        }
    if (block_end == n)
        for (int j = 0; j < 8; j++) sum = sum + lanes[j];
    float norm = bfloat16(sqrtf(sum));
    norm = bfloat16(norm < a->eps ? a->eps : norm);
    for (long i = 0; i < n; i++) x[i] = bfloat16(x[i] / norm);
}

// x = bf16(x), after a product.
LRS_MULTIVERSION void lrs_bfloat16(float *x, long n) {
    for (long i = 0; i < n; i++) x[i] = bfloat16(x[i]);
}

// The same rounding, and each value's bfloat16 bits (its upper half) into `bits`: the operand
// of a bfloat16 product.
LRS_MULTIVERSION void lrs_bfloat16_bits(float *x, uint16_t *bits, long n) {
    for (long i = 0; i < n; i++) {
        float rounded = bfloat16(x[i]);
        uint32_t word;
        memcpy(&word, &rounded, sizeof word);
        x[i] = rounded;
        bits[i] = (uint16_t)(word >> 16);
    }
}

// p = p (1 - lr λ) - lr' O, O the orthogonalized update (transposed back when needed).
LRS_MULTIVERSION void lrs_muon_apply(const lrs_muon_args *a) {
    float *restrict p = a->p;
    const float *restrict x = a->x;
    const long rows = a->rows, cols = a->cols;
    const float shrink = a->shrink, step = a->negative_rate;
    for (long r = 0; r < rows; r++)
        for (long c = 0; c < cols; c++) {
            long i = r * cols + c;
            float o = x[a->transposed ? c * rows + r : i];
            p[i] = fused(step, o, p[i] * shrink);
        }
}
