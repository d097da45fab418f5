#include "grad_norm.h"
#include "kernel_support.h"

// Eight independent double lanes: the sum is no longer one chain of dependent additions,
// so the loop runs at the speed of memory, and double keeps it closer to the exact sum
// than torch's float32 reduction is.
LRS_MULTIVERSION double lrs_sum_squares(const float *g, long lo, long hi) {
    double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = lo;
    for (; i + 8 <= hi; i += 8) {
        for (int k = 0; k < 8; k++) {
            double x = g[i + k];
            lane[k] += x * x;
        }
    }
    double sum = 0;
    for (; i < hi; i++) sum += (double)g[i] * g[i];
    for (int k = 0; k < 8; k++) sum += lane[k];
    return sum;
}

LRS_MULTIVERSION void lrs_scale(float *restrict g, float coef, long lo, long hi) {
    for (long i = lo; i < hi; i++) g[i] *= coef;
}
