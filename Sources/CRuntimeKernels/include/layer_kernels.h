// Row-wise passes of the transformer layers (layernorm, biases, residual adds) in C, so they
// vectorise and can be split across the cores by rows or by columns.
#ifndef LRS_LAYER_KERNELS_H
#define LRS_LAYER_KERNELS_H

// LayerNorm over the last dimension (n features) of rows lo..<hi: per row the mean and the
// biased variance accumulated in double, rstd = 1 / sqrt(var + eps) rounded to float, then
// y = (x - mean) * rstd * w + b. Writes each row's mean and rstd (float) for the backward.
void lrs_layernorm_forward(const float *x, const float *w, const float *b, float *y, float *mean,
                           float *rstd, long n, long lo, long hi, double eps);
// LayerNorm's backward over rows lo..<hi: when dx is not null, with g = dy * w,
// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) (the means in double), plus addend when
// that is not null (a residual's skip gradient, added as a separate pass would); when dw / db
// are not null, dw += dy * (x - mean) * rstd and db += dy, summed over the rows in order.
void lrs_layernorm_backward(const float *x, const float *dy, const float *w, const float *mean,
                            const float *rstd, const float *addend, float *dx, float *dw, float *db, long n,
                            long lo, long hi);
// out[j] += x[r * cols + j] for columns lo..<hi, over rows 0..<rows in order.
void lrs_column_sums(const float *x, long rows, long cols, long lo, long hi, float *out);
// y[i] = a[i] + b[i] over lo..<hi (y may be a or b).
void lrs_add(const float *a, const float *b, float *y, long lo, long hi);
// Rows lo..<hi of a [rows, cols] matrix, columns 0..<n: x[r * cols + j] *= s.
void lrs_scale_columns(float *x, long cols, long n, float s, long lo, long hi);

#endif
