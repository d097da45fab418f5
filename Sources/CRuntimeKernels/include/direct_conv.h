// A stride-1 "same" 2-D convolution (odd kernel K, padding (K-1)/2) computed directly from
// the image, without a column matrix, on AVX-512 (see direct_conv.c).
#ifndef LRS_DIRECT_CONV_H
#define LRS_DIRECT_CONV_H

#include <stdint.h>

// 1 when this machine runs lrs_direct_conv (AVX-512); callers use im2col and a GEMM otherwise.
int lrs_direct_conv_supported(void);
// Floats in the packed weight of an O x C x K x K kernel: [ceil(O/8)][C][K*K][8].
long lrs_direct_conv_packed_size(long O, long C, long K);
// Packs w [O][C][K][K] for lrs_direct_conv; `transposed`: packs instead the kernel of the
// input gradient (C outputs from O inputs, W'[c][o][ki][kj] = w[o][c][K-1-ki][K-1-kj]), the
// size then lrs_direct_conv_packed_size(C, O, K).
void lrs_direct_conv_pack(const float *w, float *packed, long O, long C, long K, int transposed);
// The lane masks of the kernels below, fixed by the geometry: for each block of 16 positions
// of the H x W map and each tap, the lanes whose tap lies inside the image. Count, then fill.
long lrs_direct_conv_mask_count(long H, long W, long K);
void lrs_direct_conv_masks(long H, long W, long K, uint16_t *masks);
// out[o][y][x] = bias[o] (0 when bias is null) + sum over c, ki, kj of
// w[o][c][ki][kj] x[c][y + ki - P][x + kj - P] (0 outside the image), for `batch` samples
// x [batch][C][H][W], out [batch][O][H][W], P = (K - 1) / 2, K odd and at most 7.
void lrs_direct_conv(const float *x, const float *packed, const float *bias, float *out, long batch,
                     long C, long H, long W, long O, long K, const uint16_t *masks);
// The weight gradient of a 3 x 3 such convolution: dw[o][c][ki][kj] += sum over samples and
// positions of dy[o][y][x] x[c][y + ki - 1][x + kj - 1], x [batch][C][H][W], dy [batch][O][H][W].
void lrs_direct_conv_weight_grad3(const float *x, const float *dy, long batch, long C, long H, long W, long O,
                                  const uint16_t *masks, float *dw);

// A 3 x 3 convolution with stride 2 and padding 1 on the same kernels: the input split into
// its four phases (even/odd rows x even/odd columns, each OH x OW, zero past the image), every
// tap is a shifted read of one phase. Lane masks (the forward's and weight gradient's, then the
// input gradient's phase by phase): count, then fill.
long lrs_conv_s2_mask_count(long OH, long OW);
void lrs_conv_s2_masks(long OH, long OW, uint16_t *masks);
// phases[s][c][2r + q][j][i] = x[s][c][2j + r][2i + q] (0 outside H x W); and back (the phases
// cover every input position).
void lrs_conv_s2_phases(const float *x, float *phases, long batch, long C, long H, long W, long OH, long OW);
void lrs_conv_s2_unphase(const float *phases, float *x, long batch, long C, long H, long W, long OH, long OW);
// out [batch][O][OH][OW] from the phases, weights packed by lrs_direct_conv_pack (K = 3).
void lrs_conv_s2(const float *phases, const float *packed, const float *bias, float *out, long batch,
                 long C, long O, long OH, long OW, const uint16_t *masks);
// dw[o][c][ki][kj] += sum over samples and output positions of dy[o][y][x] x[c][2y-1+ki][2x-1+kj].
void lrs_conv_s2_weight_grad(const float *phases, const float *dy, long batch, long C, long O, long OH, long OW,
                             const uint16_t *masks, float *dw);
// The input gradient, phase by phase (then lrs_conv_s2_unphase), from dy [batch][O][OH][OW]
// and the weight packed by lrs_conv_s2_pack_input_grad (lrs_direct_conv_packed_size(C, O, 3)
// floats).
void lrs_conv_s2_pack_input_grad(const float *w, float *packed, long O, long C);
void lrs_conv_s2_input_grad(const float *dy, const float *packed, float *phases, long batch, long C, long O,
                            long OH, long OW, const uint16_t *masks);

#endif
