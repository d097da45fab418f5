#include "optim_kernels.h"
#include "kernel_support.h"

// g = ±grad + λ p
// s = ρ s + (1 - ρ) g g
// δ = √(u + ε) / √(s + ε) · g
// u = ρ u + (1 - ρ) δ δ
// p = p - lr δ
LRS_MULTIVERSION void lrs_adadelta(const lrs_adadelta_args *a, long lo, long hi) {
    float *restrict p = a->p, *restrict s = a->s, *restrict u = a->u;
    const float *restrict grad = a->g;
    const float sign = a->sign, decay = a->decay, rho = a->rho, weight = a->weight, eps = a->eps;
    const float rate = a->negative_rate;
    const bool has_decay = a->has_decay;
    for (long i = lo; i < hi; i++) {
        float pi = p[i], g = sign * grad[i];
        if (has_decay) g = fused(decay, pi, g);
        float si = fused(weight * g, g, s[i] * rho);
        s[i] = si;
        float delta = sqrtf(u[i] + eps) / sqrtf(si + eps) * g;
        u[i] = fused(weight * delta, delta, u[i] * rho);
        p[i] = fused(rate, delta, pi);
    }
}
