#include "optim_kernels.h"
#include "kernel_support.h"

// g = ±grad + λ p
// s = s + g g
// p = p - lr / (1 + (t - 1) lr_decay) · g / (√s + ε)
LRS_MULTIVERSION void lrs_adagrad(const lrs_adagrad_args *a, long lo, long hi) {
    float *restrict p = a->p, *restrict s = a->s;
    const float *restrict grad = a->g;
    const float sign = a->sign, decay = a->decay, eps = a->eps, rate = a->negative_rate;
    const bool has_decay = a->has_decay;
    for (long i = lo; i < hi; i++) {
        float pi = p[i], g = sign * grad[i];
        if (has_decay) g = fused(decay, pi, g);
        float si = fused(g, g, s[i]);
        s[i] = si;
        p[i] = pi + rate * g / (sqrtf(si) + eps);
    }
}
