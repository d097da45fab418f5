#include "optim_kernels.h"
#include "kernel_support.h"

// g = ±grad
// s = η+ where g prev > 0, η- where g prev < 0, 1 elsewhere
// step = clamp(step s, step_min, step_max)
// g = 0 where s = η-
// p = p - sign(g) step;  prev = g
LRS_MULTIVERSION void lrs_rprop(const lrs_rprop_args *a, long lo, long hi) {
    float *restrict p = a->p, *restrict prev = a->prev, *restrict step = a->step_size;
    const float *restrict grad = a->g;
    const float sign = a->sign, minus = a->eta_minus, plus = a->eta_plus, low = a->step_min, high = a->step_max;
    for (long i = lo; i < hi; i++) {
        float g = sign * grad[i];
        float product = g * prev[i];
        float s = product > 0 ? plus : product < 0 ? minus : 1.0f;
        float si = step[i] * s;
        si = si < low ? low : si;
        si = si > high ? high : si;
        step[i] = si;
        g = s == minus ? 0.0f : g;
        float direction = (float)(0.0f < g) - (float)(g < 0.0f);
        p[i] = p[i] - direction * si;
        prev[i] = g;
    }
}
