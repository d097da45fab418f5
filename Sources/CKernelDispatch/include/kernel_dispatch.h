// What the C kernel libraries (CRuntimeKernels, COptimKernels) share: each hot loop is
// compiled for AVX-512 (x86-64-v4), AVX2 with FMA (x86-64-v3) and the baseline, and the
// loader picks the clone for this CPU; and which one it picks, for reports.
#ifndef LRS_KERNEL_DISPATCH_H
#define LRS_KERNEL_DISPATCH_H

#if defined(__x86_64__) && defined(__ELF__)
#define LRS_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LRS_MULTIVERSION
#endif

#define LRS_INLINE static inline __attribute__((always_inline))

// The clone target_clones picks, by the same test: "avx512", "avx2" or "baseline".
const char *lrs_kernel_isa(void);

/// Whether the CPU has AVX512_BF16's dot products (bfloat16 pairs into float), with which
/// a bfloat16 matrix product runs at twice float32's rate.
int lrs_cpu_has_bfloat16_dot(void);

#endif
