"""Issue 16's architectures side by side: lrs (release build) and PyTorch, training steps of a
small GPT and a small ResNet, and the GPT's attention layer forward and backward alone.

    "$TORCH_PYTHON" bench/arch.py [--lrs-bench PATH] [--iterations N] [--rounds R] [--only gpt,resnet,attention]
                                  [--threads T]

Workloads (the same in `lrs-bench arch --only NAME`):
  gpt        embed 256 128; pos 64 128; 4 pre-norm blocks (layernorm, attention 128 heads 4
             causal; layernorm, linear 128 512, gelu, linear 512 128); ln_f; head linear 128 256;
             batch 32 of context 64; cross_entropy over [B, T, V]; AdamW lr 3e-4 wd 0.1
  resnet     conv 3 16 3 + bn + relu; three basic blocks (16; 32 strided, 64 strided, each with a
             1x1 conv + bn shortcut); avgpool global; linear 64 10; batch 64 of 3x32x32;
             SGD lr 0.1 momentum 0.9
  attention  the GPT's attention alone on [32, 64, 128]: forward, and backward (to the input
             and the parameters) after a forward
Phases: forward (+ loss), forward_backward (zero_grad + forward + loss + backward), step
(+ optimizer step). Each figure is the median of N iterations; the table shows the best
median over the rounds; `_cpu_ms` rows are the process's CPU time (all threads, user + system)
per iteration, which a loaded machine inflates less than the wall time. Memory: the process's peak RSS, and `work` = peak RSS minus the RSS
before the model was built (PyTorch's baseline holds `import torch`).

PyTorch runs in two configurations, each workload in a fresh process, 2 threads (`--threads 1`:
one thread for both, LRS_THREADS=1, which no spinning thread distorts on a loaded machine):
  stock  the modules as the language defines them: nn.MultiheadAttention called with a
         causal attn_mask and need_weights left True (its explicit bmm path), foreach AdamW
  tuned  need_weights=False and is_causal (scaled_dot_product_attention's fused kernel),
         fused AdamW / SGD, malloc thresholds set so freed memory is kept
Rounds alternate lrs and the two PyTorch configurations, so all see the same machine load.
"""
import argparse
import json
import os
import resource
import sys
import time

from side_by_side import keep_best, print_table, run_lrs_bench, run_torch_worker, training_phases

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKLOADS = ("gpt", "resnet", "attention")


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def torch_worker(config: str, workload: str, iterations: int, warmup: int, threads: int = 2) -> dict:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    tuned = config == "tuned"
    results = {"threads": torch.get_num_threads(), "torch": torch.__version__}
    rss_before = peak_mb()

    def median(body, name):
        for _ in range(warmup):
            body()
        times = []
        cpu0 = time.process_time()
        for _ in range(iterations):
            t0 = time.perf_counter_ns()
            body()
            times.append((time.perf_counter_ns() - t0) / 1e6)
        cpu = (time.process_time() - cpu0) * 1e3 / iterations
        times.sort()
        results[f"arch.{name}"] = times[len(times) // 2]
        results[f"arch.{name.replace('_ms', '_cpu_ms')}"] = cpu

    class Attention(nn.Module):
        """nn.MultiheadAttention as the language calls it (query = key = value, causal)."""

        def __init__(self, dim, heads, context):
            super().__init__()
            self.mha = nn.MultiheadAttention(dim, heads, batch_first=True)
            self.register_buffer("mask", torch.triu(torch.ones(context, context, dtype=torch.bool), 1))

        def forward(self, x):
            if tuned:
                return self.mha(x, x, x, attn_mask=self.mask, need_weights=False, is_causal=True)[0]
            return self.mha(x, x, x, attn_mask=self.mask)[0]

    class Residual(nn.Module):
        def __init__(self, body, shortcut=None):
            super().__init__()
            self.body = body
            self.shortcut = shortcut

        def forward(self, x):
            return self.body(x) + (self.shortcut(x) if self.shortcut is not None else x)

    class PosEmbed(nn.Module):
        def __init__(self, length, dim):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(length, dim))

        def forward(self, x):
            return x + self.weight[: x.shape[1]]

    def step_phases(name, model, x, y, opt):
        def loss(out, labels):  # over [B, T, V] as over [B, V]
            return F.cross_entropy(out.reshape(-1, out.shape[-1]), labels.reshape(-1))

        for phase, body in training_phases(model, x, y, opt, loss).items():
            median(body, f"{name}.{phase}")

    torch.manual_seed(1)
    if workload == "gpt":
        width, context, batch, vocabulary = 128, 64, 32, 256

        def block():
            return nn.Sequential(
                Residual(nn.Sequential(nn.LayerNorm(width), Attention(width, 4, context))),
                Residual(nn.Sequential(nn.LayerNorm(width), nn.Linear(width, 4 * width), nn.GELU(),
                                       nn.Linear(4 * width, width))))

        model = nn.Sequential(nn.Embedding(vocabulary, width), PosEmbed(context, width),
                              nn.Sequential(*[block() for _ in range(4)]), nn.LayerNorm(width),
                              nn.Linear(width, vocabulary))
        x = torch.randint(0, vocabulary, (batch, context))
        y = torch.randint(0, vocabulary, (batch, context))
        opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1, fused=tuned or None)
        step_phases("gpt", model, x, y, opt)
    elif workload == "resnet":
        def basic(cin, cout, stride):
            body = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                                 nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
            shortcut = None if stride == 1 and cin == cout else \
                nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))
            return nn.Sequential(Residual(body, shortcut), nn.ReLU())

        model = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                              basic(16, 16, 1), basic(16, 32, 2), basic(32, 64, 2),
                              nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
        x = torch.randn(64, 3, 32, 32)
        y = torch.arange(64) % 10
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, fused=tuned or None)
        step_phases("resnet", model, x, y, opt)
    else:
        attn = Attention(128, 4, 64)
        x = torch.randn(32, 64, 128, requires_grad=True)
        dy = torch.randn(32, 64, 128)
        median(lambda: attn(x), "attention.forward_ms")
        times, cpu = [], 0.0
        for i in range(warmup + iterations):
            out = attn(x)
            t0, c0 = time.perf_counter_ns(), time.process_time()
            out.backward(dy)
            if i >= warmup:
                times.append((time.perf_counter_ns() - t0) / 1e6)
                cpu += time.process_time() - c0
        times.sort()
        results["arch.attention.backward_ms"] = times[len(times) // 2]
        results["arch.attention.backward_cpu_ms"] = cpu * 1e3 / iterations
    results[f"arch.{workload}.peak_rss_mb"] = peak_mb()
    results[f"arch.{workload}.rss_before_mb"] = rss_before
    return results


def run_torch(config: str, workload: str, iterations: int, warmup: int, threads: int) -> dict:
    return run_torch_worker(__file__, config, ["--only", workload, "--iterations", str(iterations),
                                               "--warmup", str(warmup), "--threads", str(threads)])


def run_lrs(binary: str, workload: str, iterations: int, warmup: int, threads: int) -> dict:
    return run_lrs_bench(binary, ["arch", "--only", workload, "--iterations", str(iterations), "--warmup", str(warmup)],
                         "arch", env=dict(os.environ, LRS_THREADS=str(threads)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lrs-bench", default=os.path.join(ROOT, ".build", "release", "lrs-bench"))
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", default=",".join(WORKLOADS))
    ap.add_argument("--threads", type=int, default=2, help="threads for both (LRS_THREADS, torch.set_num_threads)")
    ap.add_argument("--worker")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(torch_worker(args.worker, args.only, args.iterations, args.warmup, args.threads)))
        return
    if not os.path.exists(args.lrs_bench):
        sys.exit(f"{args.lrs_bench} not found: build it with `swift build -c release --product lrs-bench`")
    workloads = [w for w in args.only.split(",") if w]
    best = {"lrs": {}, "stock": {}, "tuned": {}}
    meta = {}
    for _ in range(args.rounds):
        for workload in workloads:
            for config in ("lrs", "stock", "tuned"):
                res = run_lrs(args.lrs_bench, workload, args.iterations, args.warmup, args.threads) if config == "lrs" \
                    else run_torch(config, workload, args.iterations, args.warmup, args.threads)
                keep_best(best, meta, config, res, "arch")
    for config in best:
        for workload in workloads:
            peak = best[config].get(f"arch.{workload}.peak_rss_mb")
            before = best[config].get(f"arch.{workload}.rss_before_mb")
            if peak is not None and before is not None:
                best[config][f"arch.{workload}.work_mb"] = peak - before
    print_table(best, meta, "arch", args.rounds, args.iterations, width=32)


if __name__ == "__main__":
    main()
