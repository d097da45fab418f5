// The inner loops of the optimizers: one pass over a range of a parameter's elements,
// with every per-step scalar computed beforehand (in double, in Swift, as PyTorch does in
// Python floats). Each kernel is compiled for AVX-512, for AVX2 with FMA and for the
// baseline, and the loader picks the best the CPU has (target_clones): the square roots
// and divisions that bound these loops run 4, 8 or 16 floats at a time.
//
// `fused(a, b, c)` below is one rounding of a*b + c, where torch's vectorised kernels use
// a fused multiply-add; everything else rounds as written (contraction is off).
#ifndef LRS_OPTIM_KERNELS_H
#define LRS_OPTIM_KERNELS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    float *p; const float *g; float *b;
    float sign, decay, momentum, keep, negative_rate;
    bool has_decay, has_momentum, first_step, nesterov;
} lrs_sgd_args;

typedef struct {
    float *p; const float *g; float *m; float *v; float *v_max;
    float sign, decay, shrink, weight1, beta2, weight2, negative_step_size, correction2_root, eps;
    bool has_decay, has_decoupled_decay, amsgrad;
} lrs_adam_args;

typedef struct {
    float *p; const float *g; float *s; float *a; float *b;
    float sign, decay, alpha, weight, eps, momentum, negative_rate;
    bool has_decay, centered, has_momentum;
} lrs_rmsprop_args;

typedef struct {
    float *p; const float *g; float *s;
    float sign, decay, eps, negative_rate;
    bool has_decay;
} lrs_adagrad_args;

typedef struct {
    float *p; const float *g; float *s; float *u;
    float sign, decay, rho, weight, eps, negative_rate;
    bool has_decay;
} lrs_adadelta_args;

typedef struct {
    float *p; const float *g; float *m; float *u;
    float sign, decay, weight1, beta2, eps, negative_rate;
    bool has_decay;
} lrs_adamax_args;

typedef struct {
    float *p; const float *g; float *m; float *v;
    float sign, decay, shrink, weight1, beta2, weight2, correction2, eps, grad_factor, moment_factor;
    bool has_decay, has_decoupled_decay;
} lrs_nadam_args;

typedef struct {
    float *p; const float *g; float *m; float *v;
    float sign, decay, shrink, weight1, beta2, weight2, eps, correction1, learning_rate, correction2_root, rectifier;
    bool has_decay, has_decoupled_decay, rectified;
} lrs_radam_args;

typedef struct {
    float *p; const float *g; float *ax;
    float sign, decay, shrink, negative_eta, mu;
    bool has_decay, averaging;
} lrs_asgd_args;

typedef struct {
    float *p; const float *g; float *prev; float *step_size;
    float sign, eta_minus, eta_plus, step_min, step_max;
} lrs_rprop_args;

/// One parameter's whole Adafactor step (the update needs norms of the parameter and of the
/// update itself, so it is not split by element range). `factored`: a tensor of >= 2
/// dimensions, seen as count / (rows * cols) matrices of rows x cols, its factors in
/// `row_var` (one per row) and `col_var` (one per column); otherwise `variance` is shaped
/// like the parameter. `update` is room for `count` floats, and `cols + rows` more when
/// factored: the update between the step's two passes, and the sums of squares.
typedef struct {
    float *p; const float *g; float *row_var; float *col_var; float *variance; float *update;
    long count, rows, cols;
    float sign, weight, eps1, eps1_squared, shrink;
    double eps2, rho, d;
    bool factored, has_decay;
} lrs_adafactor_args;

/// Muon's element-wise passes over a rows x cols parameter; `x` holds the Newton-Schulz
/// matrix, cols x rows when `transposed` (more rows than columns), else rows x cols.
typedef struct {
    float *p; const float *g; float *buffer; float *x;
    long rows, cols;
    float weight, momentum, eps, shrink, negative_rate;
    bool nesterov, transposed;
} lrs_muon_args;

void lrs_sgd(const lrs_sgd_args *args, long lo, long hi);
void lrs_adam(const lrs_adam_args *args, long lo, long hi);
void lrs_rmsprop(const lrs_rmsprop_args *args, long lo, long hi);
void lrs_adagrad(const lrs_adagrad_args *args, long lo, long hi);
void lrs_adadelta(const lrs_adadelta_args *args, long lo, long hi);
void lrs_adamax(const lrs_adamax_args *args, long lo, long hi);
void lrs_nadam(const lrs_nadam_args *args, long lo, long hi);
void lrs_radam(const lrs_radam_args *args, long lo, long hi);
void lrs_asgd(const lrs_asgd_args *args, long lo, long hi);
void lrs_rprop(const lrs_rprop_args *args, long lo, long hi);
void lrs_adafactor(const lrs_adafactor_args *args);
void lrs_muon_momentum(const lrs_muon_args *args);
void lrs_bfloat16(float *x, long n);
void lrs_bfloat16_to_bits(const float *x, uint16_t *bits, long n);
void lrs_bfloat16_addmm_bits(const float *p, float alpha, const uint16_t *c, float beta, uint16_t *out, long n);
void lrs_bfloat16_widen(const uint16_t *bits, float *x, long n);
void lrs_muon_apply(const lrs_muon_args *args);

/// A bfloat16 pass split over OpenMP's team (the one oneDNN's products run on, spinning
/// after each): `thread_number` and `thread_count` are `omp_get_thread_num` and
/// `omp_get_num_threads`, or the `_alone` pair for one thread. `n`: the symmetric matrix's
/// side (`lrs_symmetric_bits_worker`: out = bf16(alpha S + beta c), S the symmetric matrix
/// whose upper triangle p holds; c may be NULL), or the element count
/// (`lrs_addmm_bits_worker`: out = bf16(alpha p + beta c)).
typedef struct {
    int (*thread_number)(void); int (*thread_count)(void);
    const float *p; long n; float alpha; const uint16_t *c; float beta; uint16_t *out;
} lrs_bits_job;

void lrs_symmetric_bits_worker(void *job);
void lrs_addmm_bits_worker(void *job);
int lrs_thread_number_alone(void);
int lrs_thread_count_alone(void);


#endif
