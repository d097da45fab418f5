// What every kernel file shares: the multiversioning attribute and the scalar helpers.
#ifndef LRS_KERNEL_SUPPORT_H
#define LRS_KERNEL_SUPPORT_H

#include <math.h>

#if defined(__x86_64__) && defined(__ELF__)
#define LRS_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LRS_MULTIVERSION
#endif

#define LRS_INLINE static inline __attribute__((always_inline))

// One rounding of a*b + c, where torch's vectorised kernels use a fused multiply-add.
LRS_INLINE float fused(float a, float b, float c) { return fmaf(a, b, c); }

// torch's lerp(start, end, weight) in float32: start + w (end - start) when |w| < 0.5, else
// end + (w - 1)(end - start), each one fused multiply-add.
LRS_INLINE float lerp(float start, float end, float weight) {
    return fabsf(weight) < 0.5f ? fused(weight, end - start, start) : fused(weight - 1, end - start, end);
}

#endif
