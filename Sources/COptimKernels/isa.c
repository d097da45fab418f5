#include "optim_kernels.h"

// The clone target_clones picks, by the same test: AVX-512 (x86-64-v4), AVX2 with FMA
// (x86-64-v3), or the baseline.
const char *lrs_optim_kernel_isa(void) {
#if defined(__x86_64__) && defined(__ELF__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "avx512";
    if (__builtin_cpu_supports("x86-64-v3")) return "avx2";
#endif
    return "baseline";
}
