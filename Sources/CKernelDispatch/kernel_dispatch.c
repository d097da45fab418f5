#include "kernel_dispatch.h"

const char *lrs_kernel_isa(void) {
#if defined(__x86_64__) && defined(__ELF__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "avx512";
    if (__builtin_cpu_supports("x86-64-v3")) return "avx2";
#endif
    return "baseline";
}

int lrs_cpu_has_bfloat16_dot(void) {
#if defined(__x86_64__) && defined(__ELF__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16");
#else
    return 0;
#endif
}
