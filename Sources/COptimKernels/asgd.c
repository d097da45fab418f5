#include "optim_kernels.h"
#include "kernel_support.h"

// g = ±grad + λ p
// p = p (1 - λd η) - η g
// ax = ax + (p - ax) μ                  μ ≠ 1
// ax = p                                otherwise
LRS_INLINE void asgd(const lrs_asgd_args *a, long lo, long hi, bool averaging) {
    float *restrict p = a->p, *restrict ax = a->ax;
    const float *restrict grad = a->g;
    const float sign = a->sign, decay = a->decay, shrink = a->shrink, eta = a->negative_eta, mu = a->mu;
    const bool has_decay = a->has_decay;
    for (long i = lo; i < hi; i++) {
        float pi = p[i], g = sign * grad[i];
        if (has_decay) g = fused(decay, pi, g);
        pi = fused(eta, g, pi * shrink);
        p[i] = pi;
        ax[i] = averaging ? ax[i] + (pi - ax[i]) * mu : pi;
    }
}

LRS_MULTIVERSION void lrs_asgd(const lrs_asgd_args *a, long lo, long hi) {
    if (a->averaging) asgd(a, lo, hi, true);
    else asgd(a, lo, hi, false);
}
