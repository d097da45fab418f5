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

// bf16(v) as its bits (the float's upper half), and the float of bfloat16 bits (exact).
LRS_INLINE uint16_t bfloat16_bits(float v) {
    float rounded = bfloat16(v);
    uint32_t word;
    memcpy(&word, &rounded, sizeof word);
    return (uint16_t)(word >> 16);
}

LRS_INLINE float widen(uint16_t bits) {
    uint32_t word = (uint32_t)bits << 16;
    float x;
    memcpy(&x, &word, sizeof x);
    return x;
}

// The bfloat16 bits of bf16(x): the operand of a bfloat16 product. x is not written.
LRS_MULTIVERSION void lrs_bfloat16_to_bits(const float *restrict x, uint16_t *restrict bits, long n) {
    for (long i = 0; i < n; i++) bits[i] = bfloat16_bits(x[i]);
}

// out = bf16(alpha p + beta c) as bits, c bfloat16 bits: torch's addmm(c, ., ., beta, alpha) in
// bfloat16, its product p (float sums of bfloat16 products) made beforehand with no C term. One
// pass where a product with a C term needed C as float, copied, then rounded after.
LRS_MULTIVERSION void lrs_bfloat16_addmm_bits(const float *restrict p, float alpha, const uint16_t *restrict c,
                                              float beta, uint16_t *restrict out, long n) {
    for (long i = 0; i < n; i++) out[i] = bfloat16_bits(alpha * p[i] + beta * widen(c[i]));
}

void lrs_symmetric_bits_rows(const float *p, long n, float alpha, const uint16_t *c, float beta, uint16_t *out,
                             long first, long end);

// out = bf16(alpha S + beta c) as bits, S the symmetric n x n matrix whose upper triangle (the
// diagonal included) p holds, row-major: what a symmetric product computes, mirrored as it is
// rounded (p below the diagonal is not read). c may be NULL: out = bf16(alpha S). The rows
// first ..< end (whole tiles but the last). In tiles:
// a tile below the diagonal reads its mirror's rows, while they are in the cache.
LRS_MULTIVERSION void lrs_symmetric_bits_rows(const float *restrict p, long n, float alpha, const uint16_t *restrict c,
                                             float beta, uint16_t *restrict out, long first, long end) {
    enum { tile = 32 };
    for (long top = first; top < end; top += tile)
        for (long left = 0; left < n; left += tile) {
            const long bottom = top + tile < n ? top + tile : n, right = left + tile < n ? left + tile : n;
            if (left >= bottom) {
                // Above the diagonal: the rows as they are.
                for (long i = top; i < bottom; i++)
                    if (c)
                        for (long j = left; j < right; j++) out[i * n + j] = bfloat16_bits(alpha * p[i * n + j] + beta * widen(c[i * n + j]));
                    else
                        for (long j = left; j < right; j++) out[i * n + j] = bfloat16_bits(alpha * p[i * n + j]);
            } else if (right <= top) {
                // Below: S[i][j] = p[j][i], the mirror tile transposed into `t` along p's rows,
                // then written along out's.
                float t[tile][tile];
                // Element by element: vectorised, one side of the transpose became a gather or
                // a scatter, slower than the plain loads and stores.
                for (long j = left; j < right; j++)
#pragma clang loop vectorize(disable)
                    for (long i = top; i < bottom; i++) t[i - top][j - left] = p[j * n + i];
                for (long i = top; i < bottom; i++) {
                    const float *row = t[i - top];
                    if (c)
                        for (long j = left; j < right; j++) out[i * n + j] = bfloat16_bits(alpha * row[j - left] + beta * widen(c[i * n + j]));
                    else
                        for (long j = left; j < right; j++) out[i * n + j] = bfloat16_bits(alpha * row[j - left]);
                }
            } else {
                for (long i = top; i < bottom; i++)
                    for (long j = left; j < right; j++) {
                        float v = alpha * (j >= i ? p[i * n + j] : p[j * n + i]);
                        out[i * n + j] = bfloat16_bits(c ? v + beta * widen(c[i * n + j]) : v);
                    }
            }
        }
}

// The rows of 32-row tiles that thread `t` of `count` takes (each tile row is the same work).
static void tile_rows(long n, int t, int count, long *first, long *end) {
    const long tiles = (n + 31) / 32;
    *first = 32 * (tiles * t / count);
    *end = 32 * (tiles * (t + 1) / count);
    if (*end > n) *end = n;
}

void lrs_symmetric_bits_worker(void *data) {
    const lrs_bits_job *job = data;
    long first, end;
    tile_rows(job->n, job->thread_number(), job->thread_count(), &first, &end);
    lrs_symmetric_bits_rows(job->p, job->n, job->alpha, job->c, job->beta, job->out, first, end);
}

void lrs_addmm_bits_worker(void *data) {
    const lrs_bits_job *job = data;
    const int t = job->thread_number(), count = job->thread_count();
    const long first = job->n * t / count, end = job->n * (t + 1) / count;
    lrs_bfloat16_addmm_bits(job->p + first, job->alpha, job->c + first, job->beta, job->out + first, end - first);
}

int lrs_thread_number_alone(void) { return 0; }
int lrs_thread_count_alone(void) { return 1; }

// x = the floats of bfloat16 bits (exact).
LRS_MULTIVERSION void lrs_bfloat16_widen(const uint16_t *restrict bits, float *restrict x, long n) {
    for (long i = 0; i < n; i++) x[i] = widen(bits[i]);
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
