#include "optim_kernels.h"
#include "kernel_support.h"

// g = ±grad + λ p
// s = α s + (1 - α) g g
// a = lerp(a, g, 1 - α);  d = √(s - a a) + ε      centered
// d = √s + ε                                     otherwise
// b = μ b + g / d;  p = p - lr b                 momentum > 0
// p = p - lr g / d                               otherwise
LRS_INLINE void rmsprop(const lrs_rmsprop_args *x, long lo, long hi, bool centered, bool has_momentum) {
    float *restrict p = x->p, *restrict s = x->s, *restrict a = x->a, *restrict b = x->b;
    const float *restrict grad = x->g;
    const float sign = x->sign, decay = x->decay, alpha = x->alpha, weight = x->weight, eps = x->eps;
    const float momentum = x->momentum, rate = x->negative_rate;
    const bool has_decay = x->has_decay;
    for (long i = lo; i < hi; i++) {
        float pi = p[i], g = sign * grad[i];
        if (has_decay) g = fused(decay, pi, g);
        float si = fused(weight * g, g, s[i] * alpha);
        s[i] = si;
        float d;
        if (centered) {
            float ai = lerp(a[i], g, weight);
            a[i] = ai;
            d = sqrtf(fused(-ai, ai, si));
        } else {
            d = sqrtf(si);
        }
        d = d + eps;
        if (has_momentum) {
            float bi = b[i] * momentum + g / d;
            b[i] = bi;
            p[i] = fused(rate, bi, pi);
        } else {
            p[i] = pi + rate * g / d;
        }
    }
}

LRS_MULTIVERSION void lrs_rmsprop(const lrs_rmsprop_args *x, long lo, long hi) {
    if (x->centered) x->has_momentum ? rmsprop(x, lo, hi, true, true) : rmsprop(x, lo, hi, true, false);
    else x->has_momentum ? rmsprop(x, lo, hi, false, true) : rmsprop(x, lo, hi, false, false);
}
