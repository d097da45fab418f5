#include "direct_conv.h"

#include <stdint.h>

// A stride-1 "same" convolution (odd K, padding (K-1)/2, output H x W) without a column
// matrix: for 16 consecutive output positions p (row-major over the H x W map), the input
// tap (ki, kj) of channel c is the 16 floats at x[c] + p + (ki - P) W + (kj - P), a single
// unaligned load, the lanes whose tap falls outside the image masked to zero (the same
// shifted-copy observation as im2col's fast path). Eight output channels at a time are kept
// in registers over two such vectors (32 positions): each tap is one pair of loads and sixteen
// fused multiply-adds against weights packed as [O/8][C][K*K][8], so nothing is repacked.

#if defined(__x86_64__) && defined(__ELF__)
#include <immintrin.h>
#define LRS_HAVE_DIRECT_CONV 1
#endif

int lrs_direct_conv_supported(void) {
#ifdef LRS_HAVE_DIRECT_CONV
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
    return 0;
#endif
}

long lrs_direct_conv_packed_size(long O, long C, long K) {
    return (O + 7) / 8 * 8 * C * K * K;
}

void lrs_direct_conv_pack(const float *w, float *packed, long O, long C, long K, int transposed) {
    long KK = K * K, outs = transposed ? C : O, ins = transposed ? O : C;
    for (long ob = 0; ob < (outs + 7) / 8; ob++) {
        for (long c = 0; c < ins; c++) {
            for (long kk = 0; kk < KK; kk++) {
                float *dst = packed + ((ob * ins + c) * KK + kk) * 8;
                for (long j = 0; j < 8; j++) {
                    long o = ob * 8 + j;
                    if (o >= outs) { dst[j] = 0; continue; }
                    // transposed: the input gradient's kernel, W'[c][o][kk] = W[o][c][KK-1-kk]
                    dst[j] = transposed ? w[(c * C + o) * KK + (KK - 1 - kk)] : w[(o * C + c) * KK + kk];
                }
            }
        }
    }
}

long lrs_direct_conv_mask_count(long H, long W, long K) {
    return (H * W + 15) / 16 * K * K;
}

// Coordinates advance lane by lane, without a division per lane.
void lrs_direct_conv_masks(long H, long W, long K, uint16_t *masks) {
    long HW = H * W, blocks = (HW + 15) / 16, KK = K * K, P = (K - 1) / 2;
    long y = 0, x = 0;
    for (long b = 0; b < blocks; b++) {
        long ly[16], lx[16], n = HW - b * 16 < 16 ? HW - b * 16 : 16;
        for (long l = 0; l < n; l++) {
            ly[l] = y;
            lx[l] = x;
            if (++x == W) { x = 0; y++; }
        }
        for (long kk = 0; kk < KK; kk++) {
            long dy = kk / K - P, dx = kk % K - P;
            unsigned m = 0;
            for (long l = 0; l < n; l++) {
                long iy = ly[l] + dy, ix = lx[l] + dx;
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) m |= 1u << l;
            }
            masks[b * KK + kk] = (uint16_t)m;
        }
    }
}

#ifdef LRS_HAVE_DIRECT_CONV
__attribute__((target("avx512f")))
static void direct_conv(const float *x, const float *packed, const float *bias, float *out, long batch,
                        long C, long H, long W, long O, long K, const uint16_t *masks) {
    enum { MAX_TAPS = 49 };
    long KK = K * K, P = (K - 1) / 2, HW = H * W;
    long offset[MAX_TAPS];
    for (long kk = 0; kk < KK; kk++) offset[kk] = (kk / K - P) * W + (kk % K - P);
    for (long s = 0; s < batch; s++) {
        const float *xs = x + s * C * HW;
        float *os = out + s * O * HW;
        for (long p = 0; p < HW; p += 32) {
            long n0 = HW - p < 16 ? HW - p : 16;
            long n1 = HW - p - 16 < 0 ? 0 : (HW - p - 16 < 16 ? HW - p - 16 : 16);
            // the second block's masks are all zero when it lies past the image
            const uint16_t *m0 = masks + (p / 16) * KK;
            const uint16_t *m1 = n1 > 0 ? m0 + KK : NULL;
            for (long ob = 0; ob < (O + 7) / 8; ob++) {
                __m512 a[8][2];
                for (long j = 0; j < 8; j++) {
                    long o = ob * 8 + j;
                    __m512 b = _mm512_set1_ps(bias && o < O ? bias[o] : 0.0f);
                    a[j][0] = b;
                    a[j][1] = b;
                }
                const float *wp = packed + ob * C * KK * 8;
                for (long c = 0; c < C; c++) {
                    // Addresses are formed as integers: a masked-off lane may lie outside x.
                    uintptr_t base = (uintptr_t)(xs + c * HW + p);
                    for (long kk = 0; kk < KK; kk++, wp += 8) {
                        const float *src = (const float *)(base + (uintptr_t)(offset[kk] * (long)sizeof(float)));
                        __m512 v0 = _mm512_maskz_loadu_ps(m0[kk], src);
                        __m512 v1 = _mm512_maskz_loadu_ps(m1 ? m1[kk] : 0,
                                                          (const float *)((uintptr_t)src + 16 * sizeof(float)));
                        for (long j = 0; j < 8; j++) {
                            __m512 wj = _mm512_set1_ps(wp[j]);
                            a[j][0] = _mm512_fmadd_ps(wj, v0, a[j][0]);
                            a[j][1] = _mm512_fmadd_ps(wj, v1, a[j][1]);
                        }
                    }
                }
                __mmask16 s0 = (__mmask16)((1u << n0) - 1), s1 = (__mmask16)((1u << n1) - 1);
                for (long j = 0; j < 8 && ob * 8 + j < O; j++) {
                    float *dst = os + (ob * 8 + j) * HW + p;
                    _mm512_mask_storeu_ps(dst, s0, a[j][0]);
                    if (n1 > 0) _mm512_mask_storeu_ps(dst + 16, s1, a[j][1]);
                }
            }
        }
    }
}

// dw[o][c][kk] += sum over samples and positions p of dy[o][p] x[c][p + offset(kk)], for a
// 3 x 3 kernel: three output channels' nine taps (27 registers) accumulate over 16 positions
// a vector, over a group of samples whose maps together give at least 256 positions, and are
// then summed across lanes.
__attribute__((target("avx512f")))
static void direct_conv_weight_grad3(const float *x, const float *dy, long batch, long C, long H, long W, long O,
                                     float *dw, const uint16_t *masks) {
    long HW = H * W, blocks = (HW + 15) / 16;
    long offset[9];
    for (long kk = 0; kk < 9; kk++) offset[kk] = (kk / 3 - 1) * W + (kk % 3 - 1);
    long group = HW >= 256 ? 1 : (256 + HW - 1) / HW;
    for (long s0 = 0; s0 < batch; s0 += group) {
        long s1 = s0 + group < batch ? s0 + group : batch;
        for (long c = 0; c < C; c++) {
            for (long ob = 0; ob < O; ob += 3) {
                long rows = O - ob < 3 ? O - ob : 3;
                __m512 a[3][9];
                for (long j = 0; j < 3; j++)
                    for (long kk = 0; kk < 9; kk++) a[j][kk] = _mm512_setzero_ps();
                for (long s = s0; s < s1; s++) {
                    uintptr_t xc = (uintptr_t)(x + (s * C + c) * HW);
                    const float *d = dy + (s * O + ob) * HW;
                    for (long b = 0; b < blocks; b++) {
                        long p = b * 16, n = HW - p < 16 ? HW - p : 16;
                        __mmask16 valid = (__mmask16)((1u << n) - 1);
                        const uint16_t *m = masks + b * 9;
                        __m512 g0 = _mm512_maskz_loadu_ps(valid, d + p);
                        __m512 g1 = _mm512_maskz_loadu_ps(rows > 1 ? valid : 0, d + HW + p);
                        __m512 g2 = _mm512_maskz_loadu_ps(rows > 2 ? valid : 0, d + 2 * HW + p);
                        for (long kk = 0; kk < 9; kk++) {
                            const float *src = (const float *)(xc + (uintptr_t)((p + offset[kk]) * (long)sizeof(float)));
                            __m512 v = _mm512_maskz_loadu_ps(m[kk], src);
                            a[0][kk] = _mm512_fmadd_ps(g0, v, a[0][kk]);
                            a[1][kk] = _mm512_fmadd_ps(g1, v, a[1][kk]);
                            a[2][kk] = _mm512_fmadd_ps(g2, v, a[2][kk]);
                        }
                    }
                }
                for (long j = 0; j < rows; j++)
                    for (long kk = 0; kk < 9; kk++) dw[((ob + j) * C + c) * 9 + kk] += _mm512_reduce_add_ps(a[j][kk]);
            }
        }
    }
}
#endif

void lrs_direct_conv(const float *x, const float *packed, const float *bias, float *out, long batch,
                     long C, long H, long W, long O, long K, const uint16_t *masks) {
#ifdef LRS_HAVE_DIRECT_CONV
    direct_conv(x, packed, bias, out, batch, C, H, W, O, K, masks);
#else
    (void)x; (void)packed; (void)bias; (void)out; (void)batch; (void)C; (void)H; (void)W; (void)O; (void)K;
    (void)masks;
#endif
}

void lrs_direct_conv_weight_grad3(const float *x, const float *dy, long batch, long C, long H, long W, long O,
                                  const uint16_t *masks, float *dw) {
#ifdef LRS_HAVE_DIRECT_CONV
    direct_conv_weight_grad3(x, dy, batch, C, H, W, O, dw, masks);
#else
    (void)x; (void)dy; (void)batch; (void)C; (void)H; (void)W; (void)O; (void)masks; (void)dw;
#endif
}
