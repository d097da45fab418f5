// What every optimizer kernel file shares: the multiversioning attribute (CKernelDispatch)
// and the scalar helpers.
#ifndef LRS_KERNEL_SUPPORT_H
#define LRS_KERNEL_SUPPORT_H

#include <math.h>
#include <stdbool.h>

#include "kernel_dispatch.h"

// One rounding of a*b + c, where torch's vectorised kernels use a fused multiply-add.
LRS_INLINE float fused(float a, float b, float c) { return fmaf(a, b, c); }

// torch's lerp(start, end, weight) in float32: start + w (end - start) when |w| < 0.5, else
// end + (w - 1)(end - start), each one fused multiply-add.
LRS_INLINE float lerp(float start, float end, float weight) {
    return fabsf(weight) < 0.5f ? fused(weight, end - start, start) : fused(weight - 1, end - start, end);
}

// The Adam family's shared start (adam, nadam, radam), per element:
//   p = p (1 - lr λ)                      decoupled (AdamW)
//   g = ±grad + λ p                       otherwise
//   m = lerp(m, g, 1 - β1)
//   v = β2 v + (1 - β2) g g
// Each of those kernels' args holds these constants under the same names.
typedef struct {
    float sign, decay, shrink, weight1, beta2, weight2;
    bool has_decay, decoupled;
} adam_moment_rule;

#define ADAM_MOMENT_RULE(a) ((adam_moment_rule){ \
    .sign = (a)->sign, .decay = (a)->decay, .shrink = (a)->shrink, .weight1 = (a)->weight1, \
    .beta2 = (a)->beta2, .weight2 = (a)->weight2, .has_decay = (a)->has_decay, \
    .decoupled = (a)->has_decoupled_decay })

// One element after the shared start: the parameter (shrunk when decoupled), the gradient
// with its decay, and the new moments.
typedef struct { float p, g, m, v; } adam_moments;

LRS_INLINE adam_moments adam_moments_update(adam_moment_rule r, float p, float grad, float m, float v) {
    float g = r.sign * grad;
    if (r.decoupled) p = p * r.shrink;
    if (r.has_decay) g = fused(r.decay, p, g);
    return (adam_moments){ .p = p, .g = g, .m = lerp(m, g, r.weight1), .v = fused(r.weight2 * g, g, v * r.beta2) };
}

#endif
