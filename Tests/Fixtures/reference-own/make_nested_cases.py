#!/usr/bin/env python3
"""Reference training cases for section 12 (nested models), made by PyTorch 2.13 with
shared/reference/refgen.py, written into Tests/Fixtures/reference/ beside the visible cases:

    "$TORCH_PYTHON" Tests/Fixtures/reference-own/make_nested_cases.py [--refgen DIR] [--only NAME...]

refgen.py is imported from --refgen DIR, else $LRS_REFGEN, else ../../../../shared/reference
relative to this file. Three things refgen's loop does not know are added here, without
changing refgen: the generator seeded with the case's seed before the model is built (as
`lrs run` does, so attention dropout draws its masks from the same state); the
`text "FILE" context T` data source (read back for its replay check as
lrs reads it: x = bytes[i*T, i*T+T), y = bytes[i*T+1, i*T+T+1)), and cross_entropy on
logits [B, T, V] with targets [B, T] (PyTorch's cross_entropy(logits.reshape(-1, V),
y.reshape(-1)), the mean over every position).

The modules are built so that their state_dict names are lrs's: nn.Sequential for nested
sequences and `repeat`, a Residual module whose children are the body's items plus a
`shortcut` sequence, nn.MultiheadAttention(batch_first=True) called with q = k = v and a
causal mask, nn.RMSNorm, and a PosEmbed module with one `weight`.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from collections import OrderedDict

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "reference"))


def _refgen_dir(argv):
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--refgen")
    args, _ = ap.parse_known_args(argv)
    d = args.refgen or os.environ.get("LRS_REFGEN") or os.path.join(HERE, "..", "..", "..", "..", "shared", "reference")
    return os.path.normpath(d)


REFGEN_DIR = _refgen_dir(sys.argv[1:])
sys.dont_write_bytecode = True
if not os.path.isfile(os.path.join(REFGEN_DIR, "refgen.py")):
    raise SystemExit(f"make_nested_cases.py: no refgen.py in {REFGEN_DIR} (give --refgen DIR or set LRS_REFGEN)")
sys.path.insert(0, REFGEN_DIR)
import refgen as R  # noqa: E402
from refgen import Data, Group, Sched, TrainCase  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.optim import SGD, Adam, AdamW  # noqa: E402
from torch.optim import lr_scheduler as LS  # noqa: E402

torch.set_num_threads(1)


# ----------------------------------------------------------------------------- refgen additions

def _loss_fn(name):
    """refgen's loss, and cross_entropy over every position of [B, T, V] logits."""
    if name != "cross_entropy":
        return _refgen_loss_fn(name)
    ce = nn.CrossEntropyLoss()

    def loss(out, y):
        if out.dim() == 3:
            return ce(out.reshape(-1, out.shape[-1]), y.reshape(-1))
        return ce(out, y)
    return loss


def text_windows(data: bytes, context: int):
    n = (len(data) - 1) // context
    a = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
    x = np.stack([a[i * context:i * context + context] for i in range(n)])
    y = np.stack([a[i * context + 1:i * context + context + 1] for i in range(n)])
    return x, y


def _data_from_files(script, d):
    m = re.search(r'^data\s+text\s+"([^"]+)"\s+context\s+(\d+)\s*$', script, re.M)
    if not m:
        return _refgen_data_from_files(script, d)
    with open(os.path.join(d, m.group(1)), "rb") as f:
        x, y = text_windows(f.read(), int(m.group(2)))
    return Data(x=x.astype(np.float32), y=y, files={})


def run_train(case, init_sd, data, dtype, direct=False):
    """refgen's loop after the global generator is seeded with the case's seed, as `lrs run`
    does (seed, build the model with its default initialisation, load `init`, train), so
    that dropout masks come from the same generator state as in lrs."""
    torch.manual_seed(case.seed)
    return _refgen_run_train(case, init_sd, data, dtype, direct)


_refgen_run_train = R.run_train
_refgen_loss_fn = R._loss_fn
_refgen_data_from_files = R._data_from_files
R._loss_fn = _loss_fn
R._data_from_files = _data_from_files
R.run_train = run_train


# ----------------------------------------------------------------------------- modules

def seq(items):
    """nn.Sequential of (label or None, module): unlabelled items named by position."""
    return nn.Sequential(OrderedDict((label if label is not None else str(i), m) for i, (label, m) in enumerate(items)))


class Residual(nn.Module):
    """body(x) + x, or body(x) + shortcut(x): the body's items are its children."""

    def __init__(self, items, shortcut=None):
        super().__init__()
        self.body = []
        for i, (label, m) in enumerate(items):
            name = label if label is not None else str(i)
            self.add_module(name, m)
            self.body.append(name)
        if shortcut is not None:
            self.shortcut = seq(shortcut)

    def forward(self, x):
        y = x
        for name in self.body:
            y = getattr(self, name)(y)
        return y + (self.shortcut(x) if hasattr(self, "shortcut") else x)


class Embedding(nn.Embedding):
    """nn.Embedding on ids that refgen's loop hands over as floats."""

    def forward(self, x):
        return super().forward(x.long())


class PosEmbed(nn.Module):
    """A learned vector per position, N(0, 1) like nn.Embedding's weight, added to [B, T, D]."""

    def __init__(self, length, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(length, dim))
        nn.init.normal_(self.weight)

    def forward(self, x):
        return x + self.weight[:x.shape[1]]


class SelfAttention(nn.MultiheadAttention):
    """nn.MultiheadAttention(batch_first=True) with query = key = value, causal when asked."""

    def __init__(self, dim, heads, causal=False, **kw):
        super().__init__(dim, heads, batch_first=True, **kw)
        self.causal = causal

    def forward(self, x):
        t = x.shape[1]
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1) if self.causal else None
        # need_weights at its default (True): the weights are computed, dropped out and applied
        # explicitly (F.dropout's bernoulli_ on [B, H, T, T]), the path lrs's runtime follows.
        return super().forward(x, x, x, attn_mask=mask)[0]


def names(m, pred):
    return [n for n, p in m.named_parameters() if pred(n, p)]


# ----------------------------------------------------------------------------- cases

CASES = []

# (a) a 2-block causal transformer on text bytes.
TEXT = ("lrs names every parameter as PyTorch's state_dict does, so a group can take the "
        "attention of every block, the norms without decay, and the embeddings at their own rate. ")

GPT = """\
# A 2-block causal transformer on text bytes (nanoGPT's groups): AdamW with decay on the 2-D
# weights of linear and attention layers, none on norms, biases and embeddings; a linear
# warm-up for 3 steps, then cosine, per step. (eps 1e-4: the key bias of attention gets no
# gradient but rounding noise, which Adam's default eps would turn into full-size steps.)
seed 11
input 8
model <
  embed: embedding 128 16
  pos: posembed 8 16
  blocks: repeat 2 <
    residual < ln1: layernorm 16; attn: attention 16 heads 2 causal true >
    residual < ln2: layernorm 16; fc: linear 16 32; gelu; proj: linear 32 16 >
  >
  ln_f: layernorm 16
  head: linear 16 128
>
init "init.safetensors"
optimizer adamw lr 0.01 betas 0.9 0.95 eps 1e-4
group (linear or attention) where ndim == 2 as decay weight_decay 0.1
group rest as no_decay weight_decay 0
schedule all linear start_factor 0.1 total_iters 3 until 3 then cosine 6 per step
data text "text.txt" context 8
train epochs 3 batch 8 loss cross_entropy shuffle false
save "out.safetensors"
"""


def gpt_model():
    def block():
        return seq([(None, Residual([("ln1", nn.LayerNorm(16)), ("attn", SelfAttention(16, 2, causal=True))])),
                    (None, Residual([("ln2", nn.LayerNorm(16)), ("fc", nn.Linear(16, 32)), (None, nn.GELU()),
                                     ("proj", nn.Linear(32, 16))]))])
    return seq([("embed", Embedding(128, 16)), ("pos", PosEmbed(8, 16)), ("blocks", seq([(None, block()), (None, block())])),
                ("ln_f", nn.LayerNorm(16)), ("head", nn.Linear(16, 128))])


def gpt_data(rng):
    raw = TEXT.encode("ascii")
    x, y = text_windows(raw, 8)
    return Data(x=x.astype(np.float32), y=y, files={"text.txt": TEXT})


def gpt_groups(m):
    decay = names(m, lambda n, p: p.dim() == 2 and not n.startswith(("embed.", "pos.")))
    sched = Sched(lambda o: LS.SequentialLR(o, [LS.LinearLR(o, start_factor=0.1, total_iters=3), LS.CosineAnnealingLR(o, T_max=6)],
                                            milestones=[3]), per_step=True)
    return [Group("decay", AdamW, {"lr": 0.01, "betas": (0.9, 0.95), "eps": 1e-4, "weight_decay": 0.1}, decay, sched),
            Group("no_decay", AdamW, {"lr": 0.01, "betas": (0.9, 0.95), "eps": 1e-4, "weight_decay": 0.0},
                  names(m, lambda n, p: n not in decay), sched)]


CASES.append(TrainCase(
    "nested_gpt_text", GPT,
    "2-block causal transformer on text bytes (embedding 128 16, posembed, repeat 2 of residual "
    "layernorm+attention and layernorm+linear+gelu+linear, ln_f, head), cross_entropy over every position, "
    "AdamW with decay on 2-D linear/attention weights only, LinearLR(0.1, 3) then cosine(6) per step, "
    f"{(len(TEXT) - 1) // 8} windows of 8 bytes, batch 8, 3 epochs.",
    seed=11, data=gpt_data, model=gpt_model, groups=gpt_groups, epochs=3, batch=8, loss="cross_entropy"))


# (a') the transformer with dropout in attention: masks drawn from the seeded generator.
GPT_DROPOUT = GPT.replace("attn: attention 16 heads 2 causal true", "attn: attention 16 heads 2 causal true dropout 0.25") \
    .replace("# A 2-block causal transformer on text bytes", "# Dropout 0.25 on the attention weights (masks from the seed); a 2-block causal transformer on text bytes") \
    .replace("seed 11", "seed 14")


def gpt_dropout_model():
    def block():
        return seq([(None, Residual([("ln1", nn.LayerNorm(16)), ("attn", SelfAttention(16, 2, causal=True, dropout=0.25))])),
                    (None, Residual([("ln2", nn.LayerNorm(16)), ("fc", nn.Linear(16, 32)), (None, nn.GELU()),
                                     ("proj", nn.Linear(32, 16))]))])
    return seq([("embed", Embedding(128, 16)), ("pos", PosEmbed(8, 16)), ("blocks", seq([(None, block()), (None, block())])),
                ("ln_f", nn.LayerNorm(16)), ("head", nn.Linear(16, 128))])


CASES.append(TrainCase(
    "nested_gpt_attention_dropout", GPT_DROPOUT,
    "nested_gpt_text with dropout 0.25 on the attention weights (nn.MultiheadAttention's dropout), the masks drawn "
    "from the generator seeded before the model is built, as lrs run draws them.",
    seed=14, data=gpt_data, model=gpt_dropout_model, groups=gpt_groups, epochs=3, batch=8, loss="cross_entropy"))


# (b) a small ResNet: a stem, a residual stage, a strided stage with a conv+batchnorm shortcut.
RESNET = """\
# A small ResNet: a stem, an identity residual stage, a strided stage whose shortcut is a 1x1
# conv and a batchnorm, global average pooling; SGD with Nesterov momentum.
seed 12
input 2 6 6
model <
  stem: < conv 2 4 3 padding 1 bias false; batchnorm 4; relu >
  stage1: residual < conv 4 4 3 padding 1 bias false; batchnorm 4; relu; conv 4 4 3 padding 1 bias false; batchnorm 4 >
  relu
  stage2: residual <
    conv 4 8 3 stride 2 padding 1 bias false; batchnorm 8; relu
    conv 8 8 3 padding 1 bias false; batchnorm 8
  > shortcut < conv 4 8 1 stride 2 bias false; batchnorm 8 >
  relu
  avgpool global
  flatten
  fc: linear 8 3
>
init "init.safetensors"
optimizer sgd lr 0.05 momentum 0.9 nesterov true weight_decay 5e-4
data npy "x.npy" "y.npy"
train epochs 3 batch 8 loss cross_entropy shuffle false
save "out.safetensors"
"""


def resnet_model():
    def conv(i, o, k, s=1, p=0):
        return nn.Conv2d(i, o, k, stride=s, padding=p, bias=False)
    return seq([
        ("stem", seq([(None, conv(2, 4, 3, p=1)), (None, nn.BatchNorm2d(4)), (None, nn.ReLU())])),
        ("stage1", Residual([(None, conv(4, 4, 3, p=1)), (None, nn.BatchNorm2d(4)), (None, nn.ReLU()),
                             (None, conv(4, 4, 3, p=1)), (None, nn.BatchNorm2d(4))])),
        (None, nn.ReLU()),
        ("stage2", Residual([(None, conv(4, 8, 3, s=2, p=1)), (None, nn.BatchNorm2d(8)), (None, nn.ReLU()),
                             (None, conv(8, 8, 3, p=1)), (None, nn.BatchNorm2d(8))],
                            shortcut=[(None, conv(4, 8, 1, s=2)), (None, nn.BatchNorm2d(8))])),
        (None, nn.ReLU()),
        (None, nn.AdaptiveAvgPool2d(1)),
        (None, nn.Flatten()),
        ("fc", nn.Linear(8, 3)),
    ])


def resnet_data(rng):
    n = 36
    labels = rng.integers(0, 3, size=n)
    protos = rng.standard_normal((3, 2, 6, 6))
    x = (protos[labels] + 0.8 * rng.standard_normal((n, 2, 6, 6))).astype(np.float32)
    y = labels.astype(np.int64)
    return Data(x=x, y=y, files={"x.npy": x, "y.npy": y})


CASES.append(TrainCase(
    "nested_resnet_shortcut", RESNET,
    "Small ResNet on 2x6x6 inputs: stem sequence, identity residual stage, strided residual stage with a "
    "shortcut of conv 1x1 stride 2 and batchnorm, avgpool global, flatten, linear; SGD lr 0.05 momentum 0.9 "
    "nesterov weight_decay 5e-4; 36 samples, batch 8 (last 4), 3 epochs.",
    seed=12, data=resnet_data, model=resnet_model,
    groups=lambda m: [Group("all", SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 5e-4},
                            [n for n, _ in m.named_parameters()])],
    epochs=3, batch=8, loss="cross_entropy"))


# (c) pre-norm blocks with rmsnorm and silu on a sequence of vectors.
RMS = """\
# Pre-norm blocks with rmsnorm and silu on sequences of 6 vectors of 8 features: linear on the
# last dimension, two residual blocks, a final rmsnorm with its own eps; the norms at twice the rate.
seed 13
input 6 8
model <
  proj: linear 8 16
  blocks: repeat 2 <
    residual < norm: rmsnorm 16; fc1: linear 16 32; silu; fc2: linear 32 16 >
  >
  norm: rmsnorm 16 eps 1e-5
  flatten
  head: linear 96 4
>
init "init.safetensors"
optimizer adam lr 0.005
group rmsnorm lr 0.01 as norms
group rest as others
data npy "x.npy" "y.npy"
train epochs 3 batch 10 loss cross_entropy shuffle false
save "out.safetensors"
"""


def rms_model():
    def block():
        return seq([(None, Residual([("norm", nn.RMSNorm(16)), ("fc1", nn.Linear(16, 32)), (None, nn.SiLU()),
                                     ("fc2", nn.Linear(32, 16))]))])
    return seq([("proj", nn.Linear(8, 16)), ("blocks", seq([(None, block()), (None, block())])),
                ("norm", nn.RMSNorm(16, eps=1e-5)), (None, nn.Flatten()), ("head", nn.Linear(96, 4))])


def rms_data(rng):
    n = 40
    x = rng.standard_normal((n, 6, 8)).astype(np.float32)
    w = rng.standard_normal((48, 4))
    y = np.argmax(x.reshape(n, -1).astype(np.float64) @ w, axis=1).astype(np.int64)
    return Data(x=x, y=y, files={"x.npy": x, "y.npy": y})


def rms_groups(m):
    norms = names(m, lambda n, p: n.endswith("norm.weight"))
    return [Group("norms", Adam, {"lr": 0.01}, norms),
            Group("others", Adam, {"lr": 0.005}, names(m, lambda n, p: n not in norms))]


CASES.append(TrainCase(
    "nested_prenorm_rmsnorm_silu", RMS,
    "Pre-norm residual blocks (repeat 2 of rmsnorm, linear, silu, linear) on [6, 8] inputs with linear on the "
    "last dimension, a final rmsnorm eps 1e-5, flatten, head; Adam with the rmsnorm weights in their own group; "
    "40 samples, batch 10, 3 epochs.",
    seed=13, data=rms_data, model=rms_model, groups=rms_groups, epochs=3, batch=10, loss="cross_entropy"))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="write the nested-model reference cases (see the top of the file)")
    ap.add_argument("--refgen", help="directory of refgen.py (default $LRS_REFGEN or ../../../../shared/reference)")
    ap.add_argument("--only", nargs="*", help="case names to (re)build")
    a = ap.parse_args()
    sys.exit(R.main(CASES, OUT, ["--out", OUT] + (["--only"] + a.only if a.only else [])))
