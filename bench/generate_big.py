#!/usr/bin/env python3
"""Writes the 10,000-line parse-and-check benchmark script (small model; 3,996 lets,
3,000 groups, 3,000 schedules) to the path given (default big.lrs). Deterministic.
Used for the front end's throughput (see bench/README.md, "Front end"):
    python3 bench/generate_big.py /tmp/big.lrs
    swift build -c release
    .build/release/lrs-bench check /tmp/big.lrs
    hyperfine -N --warmup 3 '.build/release/lrs check samples/seed1.lrs' '.build/release/lrs check /tmp/big.lrs'
"""
import sys

lines = ["# generated: 10,000 lines of lets, groups and schedules over a small model",
         "input 32", "model < a: linear 32 64; relu; b: linear 64 64; relu; c: linear 64 10 >", "optimizer adam"]
i = 0
while len(lines) < 4000:
    lines.append(f"let v{i} = 0.001 * 0.9^{i % 50} + {i} / 1e6")
    i += 1
g = 0
while len(lines) < 7000:
    sel = ["a", "b", "c", '"*.bias"', "linear where numel > 100", 'not a and "*.weight"'][g % 6]
    lines.append(f"group {sel} lr v{g % 3000} * 2 weight_decay 0.01 betas 0.9 0.99 as g{g}")
    g += 1
s = 0
while len(lines) < 10000:
    kind = ["step 3 gamma 0.5", "lambda 0.95^epoch", "cosine 10 eta_min 1e-5",
            "linear start_factor 0.1 until 5 then exponential 0.9", "multistep 2 5 8"][s % 5]
    lines.append(f"schedule g{s} {kind}")
    s += 1
with open(sys.argv[1] if len(sys.argv) > 1 else "big.lrs", "w") as f:
    f.write("\n".join(lines) + "\n")
