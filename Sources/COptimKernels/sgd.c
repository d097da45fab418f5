#include "optim_kernels.h"
#include "kernel_support.h"

// g = ±grad + λ p
// b = g at the first step, else μ b + (1 - dampening) g      momentum
// g = g + μ b with Nesterov, else b                           momentum
// p = p - lr g
LRS_INLINE void sgd(const lrs_sgd_args *a, long lo, long hi, bool has_momentum, bool first_step, bool nesterov) {
    float *restrict p = a->p, *restrict b = a->b;
    const float *restrict grad = a->g;
    const float sign = a->sign, decay = a->decay, momentum = a->momentum, keep = a->keep, rate = a->negative_rate;
    const bool has_decay = a->has_decay;
    for (long i = lo; i < hi; i++) {
        float pi = p[i], g = sign * grad[i];
        if (has_decay) g = fused(decay, pi, g);
        if (has_momentum) {
            float bi = first_step ? g : fused(keep, g, b[i] * momentum);
            b[i] = bi;
            g = nesterov ? fused(momentum, bi, g) : bi;
        }
        p[i] = fused(rate, g, pi);
    }
}

LRS_MULTIVERSION void lrs_sgd(const lrs_sgd_args *a, long lo, long hi) {
    if (!a->has_momentum) sgd(a, lo, hi, false, false, false);
    else if (a->first_step) a->nesterov ? sgd(a, lo, hi, true, true, true) : sgd(a, lo, hi, true, true, false);
    else a->nesterov ? sgd(a, lo, hi, true, false, true) : sgd(a, lo, hi, true, false, false);
}
