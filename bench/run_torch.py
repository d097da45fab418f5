#!/usr/bin/env python3
"""The PyTorch side of the whole-run benchmark (bench/run.py): the same training runs as
samples/digits.lrs and samples/cnn_synthetic.lrs, written as a PyTorch user would.

    python bench/run_torch.py digits|cnn
"""
import os
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "samples")


def train(model, groups, x, y, epochs, batch, val=None, schedule=None):
    opt = torch.optim.Adam(groups)
    sched = schedule(opt) if schedule else None
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]
    for epoch in range(epochs):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(n)
        total, correct = 0.0, 0
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
            correct += (out.argmax(1) == yb).sum().item()
        if sched:
            sched.step()
        line = f"epoch {epoch + 1} loss {total / n:.4f} acc {correct / n:.3f}"
        if val is not None:
            model.eval()
            with torch.no_grad():
                out = model(val[0])
                line += f" val_loss {loss_fn(out, val[1]).item():.4f} val_acc {(out.argmax(1) == val[1]).float().mean().item():.3f}"
        print(line + f" {time.perf_counter() - t0:.3f}s")


def digits():
    torch.manual_seed(0)
    x = torch.from_numpy(np.load(os.path.join(SAMPLES, "data/digits_x.npy")))
    y = torch.from_numpy(np.load(os.path.join(SAMPLES, "data/digits_y.npy")))
    n_val = round(x.shape[0] * 0.2)
    xt, yt, xv, yv = x[:-n_val], y[:-n_val], x[-n_val:], y[-n_val:]
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    groups = [{"params": model[0].parameters(), "lr": 0.003},
              {"params": model[2].parameters(), "lr": 0.001}]
    train(model, groups, xt, yt, 30, 32, val=(xv, yv),
          schedule=lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30))


def cnn():
    torch.manual_seed(1)
    n, classes = 2048, 10
    g = torch.Generator().manual_seed(1)
    protos = torch.randn(classes, 3, 28, 28, generator=g)
    y = torch.randint(0, classes, (n,), generator=g)
    x = protos[y] + 0.5 * torch.randn(n, 3, 28, 28, generator=g)
    model = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.Flatten(), nn.Linear(10816, 10))
    groups = [{"params": model[0].parameters(), "lr": 0.01},
              {"params": model[3].parameters(), "lr": 0.001}]
    train(model, groups, x, y, 3, 64)


if __name__ == "__main__":
    torch.set_num_threads(2)
    {"digits": digits, "cnn": cnn}[sys.argv[1]]()
