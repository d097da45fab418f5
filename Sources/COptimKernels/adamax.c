#include "optim_kernels.h"
#include "kernel_support.h"

// g = ±grad + λ p
// m = lerp(m, g, 1 - β1)
// u = max(β2 u, |g| + ε)
// p = p - lr / (1 - β1^t) · m / u
LRS_MULTIVERSION void lrs_adamax(const lrs_adamax_args *a, long lo, long hi) {
    float *restrict p = a->p, *restrict m = a->m, *restrict u = a->u;
    const float *restrict grad = a->g;
    const float sign = a->sign, decay = a->decay, weight1 = a->weight1, beta2 = a->beta2, eps = a->eps;
    const float rate = a->negative_rate;
    const bool has_decay = a->has_decay;
    for (long i = lo; i < hi; i++) {
        float pi = p[i], g = sign * grad[i];
        if (has_decay) g = fused(decay, pi, g);
        float mi = lerp(m[i], g, weight1);
        m[i] = mi;
        float decayed = u[i] * beta2, bound = fabsf(g) + eps;
        // torch.maximum propagates NaN from either side.
        float ui = decayed != decayed || decayed > bound ? decayed : bound;
        u[i] = ui;
        p[i] = pi + rate * mi / ui;
    }
}
