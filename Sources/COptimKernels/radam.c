#include "optim_kernels.h"
#include "kernel_support.h"

// p, g, m, v as adam_moments_update (kernel_support.h):
//   p = p (1 - lr λ) decoupled, g = ±grad + λ p otherwise, m = lerp(m, g, 1 - β1), v = β2 v + (1 - β2) g g
// p = p - m / (1 - β1^t) · lr · √(1 - β2^t) / (√v + ε) · r_t    when ρ_t > 5
// p = p - m / (1 - β1^t) · lr                                   otherwise
LRS_INLINE void radam(const lrs_radam_args *a, long lo, long hi, bool rectified) {
    float *restrict p = a->p, *restrict m = a->m, *restrict v = a->v;
    const float *restrict grad = a->g;
    const adam_moment_rule rule = ADAM_MOMENT_RULE(a);
    const float eps = a->eps, correction1 = a->correction1, lr = a->learning_rate;
    const float root2 = a->correction2_root, rectifier = a->rectifier;
    for (long i = lo; i < hi; i++) {
        adam_moments s = adam_moments_update(rule, p[i], grad[i], m[i], v[i]);
        float pi = s.p, mi = s.m, vi = s.v;
        m[i] = mi;
        v[i] = vi;
        float update = mi / correction1 * lr;
        if (rectified) {
            // torch evaluates `c / x` on a tensor as reciprocal(x) · c.
            float adaptive = 1 / (sqrtf(vi) + eps) * root2;
            update = update * adaptive * rectifier;
        }
        p[i] = pi - update;
    }
}

LRS_MULTIVERSION void lrs_radam(const lrs_radam_args *a, long lo, long hi) {
    if (a->rectified) radam(a, lo, hi, true);
    else radam(a, lo, hi, false);
}
