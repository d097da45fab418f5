#include "optim_kernels.h"
#include "kernel_support.h"

// p, g, m, v as adam_moments_update (kernel_support.h):
//   p = p (1 - lr λ) decoupled, g = ±grad + λ p otherwise, m = lerp(m, g, 1 - β1), v = β2 v + (1 - β2) g g
// v̂ = max(v̂, v), used below in place of v    amsgrad
// p = p - lr / (1 - β1^t) · m / (√v / √(1 - β2^t) + ε)
LRS_INLINE void adam(const lrs_adam_args *a, long lo, long hi, bool amsgrad) {
    float *restrict p = a->p, *restrict m = a->m, *restrict v = a->v, *restrict v_max = a->v_max;
    const float *restrict grad = a->g;
    const adam_moment_rule rule = ADAM_MOMENT_RULE(a);
    const float step_size = a->negative_step_size, root2 = a->correction2_root, eps = a->eps;
    for (long i = lo; i < hi; i++) {
        adam_moments s = adam_moments_update(rule, p[i], grad[i], m[i], v[i]);
        float pi = s.p, mi = s.m, vi = s.v;
        m[i] = mi;
        v[i] = vi;
        float second = vi;
        if (amsgrad) {
            second = v_max[i] > vi ? v_max[i] : vi;
            v_max[i] = second;
        }
        p[i] = pi + step_size * mi / (sqrtf(second) / root2 + eps);
    }
}

LRS_MULTIVERSION void lrs_adam(const lrs_adam_args *a, long lo, long hi) {
    if (a->amsgrad) adam(a, lo, hi, true);
    else adam(a, lo, hi, false);
}
