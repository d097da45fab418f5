// The runtime's elementwise and row-wise inner loops in C (gelu, softmax, cross-entropy rows,
// double-accumulated sums), compiled for AVX-512, AVX2 and the baseline and picked at load
// time, so the transcendental functions vectorise as ATen's do.
#ifndef LRS_RUNTIME_KERNELS_H
#define LRS_RUNTIME_KERNELS_H

// Named here so a module cache built before these files existed sees them.
#include "direct_conv.h"
#include "batchnorm_kernels.h"
#include "layer_kernels.h"

// y = x/2 (1 + erf(x / sqrt 2)) over [lo, hi), erf as ATen's vectorised kernel computes it.
void lrs_gelu_forward(const float *x, float *y, long lo, long hi);
// dx = dy (cdf(x) + x pdf(x)) over [lo, hi).
void lrs_gelu_backward(const float *x, const float *dy, float *dx, long lo, long hi);
// The same forward, also keeping cdf = (1 + erf(x / sqrt 2)) / 2 (y = x cdf rounds as the
// forward above); and the backward from it, dx = dy (x pdf(x) + cdf), the same values as
// lrs_gelu_backward without computing erf again.
void lrs_gelu_forward_keeping_cdf(const float *x, float *y, float *cdf, long lo, long hi);
void lrs_gelu_backward_from_cdf(const float *x, const float *cdf, const float *dy, float *dx, long lo, long hi);
// In place, each row of a [rows, cols] matrix: softmax over its valid entries (row i's first
// i + 1 when `causal`, else all cols), exp(s - max) * (1 / sum) as ATen; zeros after them.
void lrs_softmax_rows(float *s, long rows, long cols, int causal);
// In place, softmax backward per row: g = p (g - sum_j g_j p_j), rows x cols.
void lrs_softmax_backward_rows(const float *p, float *g, long rows, long cols);
// One row of cross-entropy: returns z[label] - max - log(sum exp(z - max)); writes
// (softmax - onehot) * scale into g when g is not null.
float lrs_cross_entropy_row(const float *z, long classes, long label, float scale, float *g);
// Sums in double: sum x_i; sum (x_i - mean)^2.
double lrs_sum_f64(const float *x, long n);
double lrs_centered_squares_f64(const float *x, long n, double mean);
// col[(c*K + ki)*K + kj][oh*OW + ow] = x[c][oh*S - P + ki][ow*S - P + kj], 0 outside the
// image; and its adjoint, dx[c][iy][ix] += every column entry that read it (same order as a
// loop over c, ki, kj, output row, output column).
void lrs_im2col(const float *x, float *col, long C, long H, long W, long K, long S, long P,
                long OH, long OW);
void lrs_col2im(const float *col, float *dx, long C, long H, long W, long K, long S, long P,
                long OH, long OW);

#endif
