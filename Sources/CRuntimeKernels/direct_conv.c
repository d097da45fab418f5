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

// The lanes of each block of 16 positions of an H x W grid (row-major) whose tap, shifted by
// (dy[t], dx[t]), lies inside the grid: masks[b * taps + t]. Coordinates advance lane by lane,
// without a division per lane.
static void tap_masks(long H, long W, long taps, const long *dy, const long *dx, uint16_t *masks) {
    long HW = H * W, blocks = (HW + 15) / 16;
    long y = 0, x = 0;
    for (long b = 0; b < blocks; b++) {
        long ly[16], lx[16], n = HW - b * 16 < 16 ? HW - b * 16 : 16;
        for (long l = 0; l < n; l++) {
            ly[l] = y;
            lx[l] = x;
            if (++x == W) { x = 0; y++; }
        }
        for (long t = 0; t < taps; t++) {
            unsigned m = 0;
            for (long l = 0; l < n; l++) {
                long iy = ly[l] + dy[t], ix = lx[l] + dx[t];
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) m |= 1u << l;
            }
            masks[b * taps + t] = (uint16_t)m;
        }
    }
}

void lrs_direct_conv_masks(long H, long W, long K, uint16_t *masks) {
    enum { MAX_TAPS = 49 };
    long dy[MAX_TAPS], dx[MAX_TAPS], P = (K - 1) / 2;
    for (long kk = 0; kk < K * K; kk++) {
        dy[kk] = kk / K - P;
        dx[kk] = kk % K - P;
    }
    tap_masks(H, W, K * K, dy, dx, masks);
}

// A 3 x 3 stride-2 convolution with padding 1 reads input row 2y - 1 + ki: an odd row (phase
// 1) one row up for ki = 0, an even row (phase 0) for ki = 1, an odd row for ki = 2; columns
// alike. On the input split into its four phases, each OH x OW, tap (ki, kj) is phase
// 2 r(ki) + r(kj) shifted by (d(ki), d(kj)).
static long s2_phase(long k) { return k == 1 ? 0 : 1; }
static long s2_shift(long k) { return k == 0 ? -1 : 0; }
static long s2_tap_phase(long t) { return 2 * s2_phase(t / 3) + s2_phase(t % 3); }

long lrs_conv_s2_mask_count(long OH, long OW) {
    return (OH * OW + 15) / 16 * 9 * 2;
}

void lrs_conv_s2_masks(long OH, long OW, uint16_t *masks) {
    long dy[9], dx[9], blocks = (OH * OW + 15) / 16;
    for (long t = 0; t < 9; t++) {
        dy[t] = s2_shift(t / 3);
        dx[t] = s2_shift(t % 3);
    }
    tap_masks(OH, OW, 9, dy, dx, masks);
    // The input gradient's: phase by phase, that phase's taps read dY shifted the other way.
    uint16_t *next = masks + blocks * 9;
    for (long ph = 0; ph < 4; ph++) {
        long n = 0;
        for (long t = 0; t < 9; t++) {
            if (s2_tap_phase(t) != ph) continue;
            dy[n] = -s2_shift(t / 3);
            dx[n] = -s2_shift(t % 3);
            n++;
        }
        tap_masks(OH, OW, n, dy, dx, next);
        next += blocks * n;
    }
}

void lrs_conv_s2_phases(const float *x, float *phases, long batch, long C, long H, long W, long OH, long OW) {
    for (long sc = 0; sc < batch * C; sc++) {
        const float *plane = x + sc * H * W;
        for (long ph = 0; ph < 4; ph++) {
            float *dst = phases + (sc * 4 + ph) * OH * OW;
            long r = ph / 2, q = ph % 2;
            for (long j = 0; j < OH; j++) {
                long iy = 2 * j + r;
                for (long i = 0; i < OW; i++) {
                    long ix = 2 * i + q;
                    dst[j * OW + i] = iy < H && ix < W ? plane[iy * W + ix] : 0.0f;
                }
            }
        }
    }
}

void lrs_conv_s2_unphase(const float *phases, float *x, long batch, long C, long H, long W, long OH, long OW) {
    for (long sc = 0; sc < batch * C; sc++) {
        float *plane = x + sc * H * W;
        const float *src = phases + sc * 4 * OH * OW;
        for (long y = 0; y < H; y++) {
            const float *even = src + ((y % 2) * 2) * OH * OW + (y / 2) * OW, *odd = even + OH * OW;
            for (long i = 0; i < W; i++) plane[y * W + i] = i % 2 ? odd[i / 2] : even[i / 2];
        }
    }
}

void lrs_conv_s2_pack_input_grad(const float *w, float *packed, long O, long C) {
    // phase by phase: [C/8][O][that phase's taps][8] holding w[o][c][t]
    for (long ph = 0; ph < 4; ph++) {
        long taps[9], n = 0;
        for (long t = 0; t < 9; t++) if (s2_tap_phase(t) == ph) taps[n++] = t;
        for (long cb = 0; cb < (C + 7) / 8; cb++)
            for (long o = 0; o < O; o++)
                for (long k = 0; k < n; k++, packed += 8)
                    for (long j = 0; j < 8; j++) {
                        long c = cb * 8 + j;
                        packed[j] = c < C ? w[(o * C + c) * 9 + taps[k]] : 0.0f;
                    }
    }
}

#ifdef LRS_HAVE_DIRECT_CONV
// out[s][o][p] = bias[o] + sum over c and taps t of packed(o, c, t) x[s][c][p + offset[t]], the
// lanes of the tap's mask only, for the positions p of a grid of `positions` (blocks of 16);
// sample and channel strides given for x (xs, xc) and out (os, oc).
__attribute__((target("avx512f")))
static void conv_taps(const float *x, long xs, long xc, const float *packed, const float *bias, float *out,
                      long os, long oc, long batch, long C, long O, long positions, long taps,
                      const long *offset, const uint16_t *masks) {
    for (long s = 0; s < batch; s++) {
        for (long p = 0; p < positions; p += 32) {
            long n0 = positions - p < 16 ? positions - p : 16;
            long n1 = positions - p - 16 < 0 ? 0 : (positions - p - 16 < 16 ? positions - p - 16 : 16);
            // the second block's masks are all zero when it lies past the grid
            const uint16_t *m0 = masks + (p / 16) * taps;
            const uint16_t *m1 = n1 > 0 ? m0 + taps : NULL;
            for (long ob = 0; ob < (O + 7) / 8; ob++) {
                __m512 a[8][2];
                for (long j = 0; j < 8; j++) {
                    long o = ob * 8 + j;
                    __m512 b = _mm512_set1_ps(bias && o < O ? bias[o] : 0.0f);
                    a[j][0] = b;
                    a[j][1] = b;
                }
                const float *wp = packed + ob * C * taps * 8;
                for (long c = 0; c < C; c++) {
                    // Addresses are formed as integers: a masked-off lane may lie outside x.
                    uintptr_t base = (uintptr_t)(x + s * xs + c * xc + p);
                    for (long t = 0; t < taps; t++, wp += 8) {
                        const float *src = (const float *)(base + (uintptr_t)(offset[t] * (long)sizeof(float)));
                        __m512 v0 = _mm512_maskz_loadu_ps(m0[t], src);
                        __m512 v1 = _mm512_maskz_loadu_ps(m1 ? m1[t] : 0,
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
                    float *dst = out + s * os + (ob * 8 + j) * oc + p;
                    _mm512_mask_storeu_ps(dst, s0, a[j][0]);
                    if (n1 > 0) _mm512_mask_storeu_ps(dst + 16, s1, a[j][1]);
                }
            }
        }
    }
}

// dw[o][c][t] += sum over samples and positions p of dy[s][o][p] x[s][c][p + offset[t]] for
// nine taps: three output channels' nine taps (27 registers) accumulate over 16 positions a
// vector, over a group of samples whose grids together give at least 1024 positions (a few
// hundred kB of x and dy at most, in cache for the loops over c and o), and are then summed
// across lanes.
__attribute__((target("avx512f")))
static void weight_grad9(const float *x, long xs, long xc, const float *dy, long batch, long C, long O,
                         long positions, const long *offset, const uint16_t *masks, float *dw) {
    long blocks = (positions + 15) / 16;
    long group = positions >= 1024 ? 1 : (1024 + positions - 1) / positions;
    for (long s0 = 0; s0 < batch; s0 += group) {
        long s1 = s0 + group < batch ? s0 + group : batch;
        for (long c = 0; c < C; c++) {
            for (long ob = 0; ob < O; ob += 3) {
                long rows = O - ob < 3 ? O - ob : 3;
                __m512 a[3][9];
                for (long j = 0; j < 3; j++)
                    for (long t = 0; t < 9; t++) a[j][t] = _mm512_setzero_ps();
                for (long s = s0; s < s1; s++) {
                    uintptr_t xc0 = (uintptr_t)(x + s * xs + c * xc);
                    const float *d = dy + (s * O + ob) * positions;
                    for (long b = 0; b < blocks; b++) {
                        long p = b * 16, n = positions - p < 16 ? positions - p : 16;
                        __mmask16 valid = (__mmask16)((1u << n) - 1);
                        const uint16_t *m = masks + b * 9;
                        __m512 g0 = _mm512_maskz_loadu_ps(valid, d + p);
                        __m512 g1 = _mm512_maskz_loadu_ps(rows > 1 ? valid : 0, d + positions + p);
                        __m512 g2 = _mm512_maskz_loadu_ps(rows > 2 ? valid : 0, d + 2 * positions + p);
                        for (long t = 0; t < 9; t++) {
                            const float *src = (const float *)(xc0 + (uintptr_t)((p + offset[t]) * (long)sizeof(float)));
                            __m512 v = _mm512_maskz_loadu_ps(m[t], src);
                            a[0][t] = _mm512_fmadd_ps(g0, v, a[0][t]);
                            a[1][t] = _mm512_fmadd_ps(g1, v, a[1][t]);
                            a[2][t] = _mm512_fmadd_ps(g2, v, a[2][t]);
                        }
                    }
                }
                for (long j = 0; j < rows; j++)
                    for (long t = 0; t < 9; t++) dw[((ob + j) * C + c) * 9 + t] += _mm512_reduce_add_ps(a[j][t]);
            }
        }
    }
}
#endif

// The offsets of a "same" K x K kernel's taps on an H x W image.
static void same_offsets(long W, long K, long *offset) {
    long P = (K - 1) / 2;
    for (long kk = 0; kk < K * K; kk++) offset[kk] = (kk / K - P) * W + (kk % K - P);
}

// The offsets of a stride-2 3 x 3 kernel's taps on the four phases of each channel.
static void s2_offsets(long OH, long OW, long *offset) {
    for (long t = 0; t < 9; t++) offset[t] = s2_tap_phase(t) * OH * OW + s2_shift(t / 3) * OW + s2_shift(t % 3);
}

void lrs_direct_conv(const float *x, const float *packed, const float *bias, float *out, long batch,
                     long C, long H, long W, long O, long K, const uint16_t *masks) {
#ifdef LRS_HAVE_DIRECT_CONV
    long offset[49], HW = H * W;
    same_offsets(W, K, offset);
    conv_taps(x, C * HW, HW, packed, bias, out, O * HW, HW, batch, C, O, HW, K * K, offset, masks);
#else
    (void)x; (void)packed; (void)bias; (void)out; (void)batch; (void)C; (void)H; (void)W; (void)O; (void)K;
    (void)masks;
#endif
}

void lrs_direct_conv_weight_grad3(const float *x, const float *dy, long batch, long C, long H, long W, long O,
                                  const uint16_t *masks, float *dw) {
#ifdef LRS_HAVE_DIRECT_CONV
    long offset[9], HW = H * W;
    same_offsets(W, 3, offset);
    weight_grad9(x, C * HW, HW, dy, batch, C, O, HW, offset, masks, dw);
#else
    (void)x; (void)dy; (void)batch; (void)C; (void)H; (void)W; (void)O; (void)masks; (void)dw;
#endif
}

void lrs_conv_s2(const float *phases, const float *packed, const float *bias, float *out, long batch,
                 long C, long O, long OH, long OW, const uint16_t *masks) {
#ifdef LRS_HAVE_DIRECT_CONV
    long offset[9], OHOW = OH * OW;
    s2_offsets(OH, OW, offset);
    conv_taps(phases, C * 4 * OHOW, 4 * OHOW, packed, bias, out, O * OHOW, OHOW, batch, C, O, OHOW, 9, offset, masks);
#else
    (void)phases; (void)packed; (void)bias; (void)out; (void)batch; (void)C; (void)O; (void)OH; (void)OW; (void)masks;
#endif
}

void lrs_conv_s2_weight_grad(const float *phases, const float *dy, long batch, long C, long O, long OH, long OW,
                             const uint16_t *masks, float *dw) {
#ifdef LRS_HAVE_DIRECT_CONV
    long offset[9], OHOW = OH * OW;
    s2_offsets(OH, OW, offset);
    weight_grad9(phases, C * 4 * OHOW, 4 * OHOW, dy, batch, C, O, OHOW, offset, masks, dw);
#else
    (void)phases; (void)dy; (void)batch; (void)C; (void)O; (void)OH; (void)OW; (void)masks; (void)dw;
#endif
}

void lrs_conv_s2_input_grad(const float *dy, const float *packed, float *phases, long batch, long C, long O,
                            long OH, long OW, const uint16_t *masks) {
#ifdef LRS_HAVE_DIRECT_CONV
    long OHOW = OH * OW, blocks = (OHOW + 15) / 16;
    const uint16_t *m = masks + blocks * 9;
    for (long ph = 0; ph < 4; ph++) {
        long offset[9], n = 0;
        for (long t = 0; t < 9; t++) {
            if (s2_tap_phase(t) != ph) continue;
            offset[n++] = -s2_shift(t / 3) * OW - s2_shift(t % 3);
        }
        conv_taps(dy, O * OHOW, OHOW, packed, NULL, phases + ph * OHOW, C * 4 * OHOW, 4 * OHOW, batch, O, C, OHOW,
                  n, offset, m);
        packed += (C + 7) / 8 * 8 * O * n;
        m += blocks * n;
    }
#else
    (void)dy; (void)packed; (void)phases; (void)batch; (void)C; (void)O; (void)OH; (void)OW; (void)masks;
#endif
}
