#include "optim_kernels.h"
#include "kernel_support.h"

// p = p (1 - lr λ)                      decoupled (AdamW)
// g = ±grad + λ p                       otherwise
// m = lerp(m, g, 1 - β1)
// v = β2 v + (1 - β2) g g
// v̂ = max(v̂, v), used below in place of v    amsgrad
// p = p - lr / (1 - β1^t) · m / (√v / √(1 - β2^t) + ε)
LRS_INLINE void adam(const lrs_adam_args *a, long lo, long hi, bool amsgrad) {
    float *restrict p = a->p, *restrict m = a->m, *restrict v = a->v, *restrict v_max = a->v_max;
    const float *restrict grad = a->g;
    const float sign = a->sign, decay = a->decay, shrink = a->shrink, weight1 = a->weight1, beta2 = a->beta2;
    const float weight2 = a->weight2, step_size = a->negative_step_size, root2 = a->correction2_root, eps = a->eps;
    const bool has_decay = a->has_decay, decoupled = a->has_decoupled_decay;
    for (long i = lo; i < hi; i++) {
        float pi = p[i], g = sign * grad[i];
        if (decoupled) pi = pi * shrink;
        if (has_decay) g = fused(decay, pi, g);
        float mi = lerp(m[i], g, weight1);
        float vi = fused(weight2 * g, g, v[i] * beta2);
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
