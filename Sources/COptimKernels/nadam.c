#include "optim_kernels.h"
#include "kernel_support.h"

// p, g, m, v as adam_moments_update (kernel_support.h):
//   p = p (1 - lr λ) decoupled, g = ±grad + λ p otherwise, m = lerp(m, g, 1 - β1), v = β2 v + (1 - β2) g g
// d = √(v / (1 - β2^t)) + ε
// p = p - lr (1 - μ_t) / (1 - Πμ_t) · g / d - lr μ_{t+1} / (1 - Πμ_{t+1}) · m / d
LRS_MULTIVERSION void lrs_nadam(const lrs_nadam_args *a, long lo, long hi) {
    float *restrict p = a->p, *restrict m = a->m, *restrict v = a->v;
    const float *restrict grad = a->g;
    const adam_moment_rule rule = ADAM_MOMENT_RULE(a);
    const float correction2 = a->correction2, eps = a->eps;
    const float grad_factor = a->grad_factor, moment_factor = a->moment_factor;
    for (long i = lo; i < hi; i++) {
        adam_moments s = adam_moments_update(rule, p[i], grad[i], m[i], v[i]);
        float pi = s.p, g = s.g, mi = s.m, vi = s.v;
        m[i] = mi;
        v[i] = vi;
        float d = sqrtf(vi / correction2) + eps;
        pi = pi + grad_factor * g / d;
        p[i] = pi + moment_factor * mi / d;
    }
}
