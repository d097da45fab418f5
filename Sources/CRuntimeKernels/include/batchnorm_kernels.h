// BatchNorm's passes over the activations in C, each fusing a following relu so that its mask
// is read where it is needed instead of written as a separate gradient (see batchnorm.c).
#ifndef LRS_BATCHNORM_KERNELS_H
#define LRS_BATCHNORM_KERNELS_H

// The channel statistics are runtime_kernels.h's lrs_sum_f64 and lrs_centered_squares_f64.
// sum_dy += sum g_i and dot += sum (x_i - mean) g_i in double, g_i = dy_i, or (y not null)
// dy_i where y_i > 0 and 0 elsewhere: relu's backward read in place.
void lrs_bn_backward_sums(const float *x, const float *y, const float *dy, long n, double mean,
                          double *sum_dy, double *dot);
// dx_i = (g_i - mean_dy - (x_i - mean) projection) inv_std weight, in double, g_i as above.
void lrs_bn_backward_input(const float *x, const float *y, const float *dy, float *dx, long n,
                           double mean, double mean_dy, double projection, double inv_std, double weight);
// y_i = x_i alpha + beta in float, then relu (NaN kept) when `relu` is not 0.
void lrs_bn_apply(const float *x, float *y, long n, float alpha, float beta, int relu);

#endif
