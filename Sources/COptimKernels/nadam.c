#include "optim_kernels.h"
#include "kernel_support.h"

// p = p (1 - lr λ)                  decoupled
// g = ±grad + λ p                   otherwise
// m = lerp(m, g, 1 - β1);  v = β2 v + (1 - β2) g g
// d = √(v / (1 - β2^t)) + ε
// p = p - lr (1 - μ_t) / (1 - Πμ_t) · g / d - lr μ_{t+1} / (1 - Πμ_{t+1}) · m / d
LRS_MULTIVERSION void lrs_nadam(const lrs_nadam_args *a, long lo, long hi) {
    float *restrict p = a->p, *restrict m = a->m, *restrict v = a->v;
    const float *restrict grad = a->g;
    const float sign = a->sign, decay = a->decay, shrink = a->shrink, weight1 = a->weight1, beta2 = a->beta2;
    const float weight2 = a->weight2, correction2 = a->correction2, eps = a->eps;
    const float grad_factor = a->grad_factor, moment_factor = a->moment_factor;
    const bool has_decay = a->has_decay, decoupled = a->has_decoupled_decay;
    for (long i = lo; i < hi; i++) {
        float pi = p[i], g = sign * grad[i];
        if (decoupled) pi = pi * shrink;
        if (has_decay) g = fused(decay, pi, g);
        float mi = lerp(m[i], g, weight1);
        float vi = fused(weight2 * g, g, v[i] * beta2);
        m[i] = mi;
        v[i] = vi;
        float d = sqrtf(vi / correction2) + eps;
        pi = pi + grad_factor * g / d;
        p[i] = pi + moment_factor * mi / d;
    }
}
