// Gradient clipping (clip_grad_norm_): the sum of squares of a range of a gradient, in one
// read, and the scaling by the clip coefficient.
#ifndef LRS_GRAD_NORM_H
#define LRS_GRAD_NORM_H

// The sum of g[i]^2 over lo <= i < hi, accumulated in double on independent lanes.
double lrs_sum_squares(const float *g, long lo, long hi);
// g[i] *= coef over lo <= i < hi (one float rounding, as torch's _foreach_mul_).
void lrs_scale(float *g, float coef, long lo, long hi);

#endif
