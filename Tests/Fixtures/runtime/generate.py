"""Writes the runtime's PyTorch reference fixtures (layers.json, random.json).

Run with the PyTorch venv:  "$TORCH_PYTHON" Tests/Fixtures/runtime/generate.py
Deterministic: every random choice comes from fixed seeds. Values are float32, written
with Python's shortest repr so they read back bit-exactly.
"""
import json
import os
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


class PosEmbed(nn.Module):
    """lrs's posembed: a learned vector per position, N(0, 1) like nn.Embedding."""

    def __init__(self, length, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(length, dim))
        nn.init.normal_(self.weight)

    def forward(self, x):
        return x + self.weight[: x.shape[1]]


class SelfAttention(nn.MultiheadAttention):
    """lrs's attention: nn.MultiheadAttention with q = k = v, batch first, optional causal mask."""

    def __init__(self, dim, heads, causal=False, bias=True, dropout=0.0):
        super().__init__(dim, heads, dropout=dropout, bias=bias, batch_first=True)
        self.causal = causal

    def forward(self, x):
        mask = None
        if self.causal:
            t = x.shape[1]
            mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        return super().forward(x, x, x, attn_mask=mask)[0]


def apply(m, x):
    """lrs's rule: a linear takes the last dimension when it fits, else flattens the sample."""
    if isinstance(m, nn.Linear) and x.dim() > 2 and x.shape[-1] != m.in_features:
        x = x.flatten(1)
    return m(x)


class Chain(nn.Sequential):
    def forward(self, x):
        for m in self:
            x = apply(m, x)
        return x


class Residual(nn.Module):
    """body(x) + x, or body(x) + shortcut(x): body items as direct children, then `shortcut`."""

    def __init__(self, body, shortcut=None):
        super().__init__()
        self.body_names = []
        for name, m in body:
            self.add_module(name, m)
            self.body_names.append(name)
        self.shortcut = Chain(OrderedDict(shortcut)) if shortcut is not None else None

    def forward(self, x):
        y = x
        for name in self.body_names:
            y = apply(getattr(self, name), y)
        return y + (self.shortcut(x) if self.shortcut is not None else x)


def named(items):
    return [(item["name"], build([item])[0]) for item in items]


def build(specs):
    mods = []
    for s in specs:
        k = s["kind"]
        if k == "embedding":
            mods.append(nn.Embedding(s["count"], s["dim"]))
        elif k == "posembed":
            mods.append(PosEmbed(s["length"], s["dim"]))
        elif k == "attention":
            mods.append(SelfAttention(s["dim"], s["heads"], causal=s.get("causal", False), bias=s.get("bias", True),
                                      dropout=s.get("p", 0.0)))
        elif k == "rmsnorm":
            mods.append(nn.RMSNorm(s["features"], eps=s.get("eps")))
        elif k == "silu":
            mods.append(nn.SiLU())
        elif k == "avgpool_global":
            mods.append(nn.AdaptiveAvgPool2d(1))
        elif k == "sequence":
            mods.append(Chain(OrderedDict(named(s["items"]))))
        elif k == "residual":
            mods.append(Residual(named(s["items"]), named(s["shortcut"]) if "shortcut" in s else None))
        elif k == "repeat":
            mods.append(Chain(*[Chain(OrderedDict(named(s["items"]))) for _ in range(s["count"])]))
        elif k == "linear":
            mods.append(nn.Linear(s["in"], s["out"], bias=s.get("bias", True)))
        elif k == "conv":
            mods.append(nn.Conv2d(s["in"], s["out"], s["kernel"], stride=s.get("stride", 1),
                                  padding=s.get("padding", 0), bias=s.get("bias", True)))
        elif k == "relu":
            mods.append(nn.ReLU())
        elif k == "tanh":
            mods.append(nn.Tanh())
        elif k == "sigmoid":
            mods.append(nn.Sigmoid())
        elif k == "gelu":
            mods.append(nn.GELU())
        elif k == "flatten":
            mods.append(nn.Flatten())
        elif k == "maxpool":
            mods.append(nn.MaxPool2d(s["kernel"], s.get("stride", s["kernel"])))
        elif k == "avgpool":
            mods.append(nn.AvgPool2d(s["kernel"], s.get("stride", s["kernel"])))
        elif k == "dropout":
            mods.append(nn.Dropout(s["p"]))
        elif k == "batchnorm":
            mods.append((nn.BatchNorm2d if s["dims"] == 4 else nn.BatchNorm1d)(s["channels"]))
        elif k == "layernorm":
            mods.append(nn.LayerNorm(s["features"]))
        else:
            raise ValueError(k)
    return mods


class Seq(nn.Module):
    """nn.Sequential with lrs's rule: a linear flattens an input of several feature dims."""

    def __init__(self, mods):
        super().__init__()
        self.layers = nn.Sequential(*mods)

    def forward(self, x):
        for m in self.layers:
            x = apply(m, x)
        return x


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def state(model, buffers_only=False):
    out = {}
    params = {k for k, _ in model.layers.named_parameters()}
    for k, v in model.layers.state_dict().items():
        if buffers_only and k in params:
            continue
        out[k] = int(v.item()) if v.dtype == torch.int64 else flat(v)
    return out


def layer_case(name, specs, x_shape, training=True, seed=0, prepare=None, ids=None, x_scale=1.0):
    """ids: for models that start with an embedding, the vocabulary the input ids come from."""
    torch.manual_seed(seed)
    model = Seq(build(specs))
    if prepare:
        with torch.no_grad():
            prepare(model)
    before = state(model)
    g = torch.Generator().manual_seed(1000 + seed)
    if ids:
        x = torch.randint(0, ids, x_shape, generator=g)
    else:
        x = (torch.randn(x_shape, generator=g) * x_scale).requires_grad_(True)
    model.train(training)
    out = model(x)
    upstream = torch.randn(out.shape, generator=g)
    (out * upstream).sum().backward()
    grads = {k: flat(p.grad) for k, p in model.layers.named_parameters()}
    return {
        "name": name, "layers": specs, "training": training, "seed": seed,
        "x_shape": list(x_shape), "x": flat(x), "state": before,
        "out_shape": list(out.shape), "out": flat(out), "upstream": flat(upstream),
        "grad_x": [] if ids else flat(x.grad), "grads": grads, "state_after": state(model, buffers_only=True),
    }


def random_running_stats(model):
    for m in model.layers:
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
            m.num_batches_tracked.fill_(7)
        if isinstance(m, nn.LayerNorm):
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.5, 0.5)
        if isinstance(m, nn.RMSNorm):
            m.weight.uniform_(0.5, 1.5)


def random_biases(model):
    """Attention's biases start at zero; give them values so their gradients are tested. From a
    generator of its own: the global one must stay where init left it for the dropout draws."""
    g = torch.Generator().manual_seed(99)
    for m in model.modules():
        if isinstance(m, nn.MultiheadAttention) and m.in_proj_bias is not None:
            m.in_proj_bias.uniform_(-0.5, 0.5, generator=g)
            m.out_proj.bias.uniform_(-0.5, 0.5, generator=g)


def version2_cases():
    """Section 12's layers and containers."""
    cases = []
    cases.append(layer_case("embedding", [{"kind": "embedding", "count": 7, "dim": 3}], (2, 5), seed=70, ids=7))
    cases.append(layer_case("posembed", [{"kind": "posembed", "length": 5, "dim": 4}], (2, 3, 4), seed=71))
    cases.append(layer_case("linear_last_dimension", [{"kind": "linear", "in": 5, "out": 4}], (2, 3, 5), seed=72))
    n = 0
    for causal in (False, True):
        for bias in (True, False):
            n += 1
            cases.append(layer_case(f"attention_{'causal' if causal else 'full'}_{'bias' if bias else 'nobias'}",
                                    [{"kind": "attention", "dim": 6, "heads": 2, "causal": causal, "bias": bias}],
                                    (2, 3, 6), seed=72 + n, prepare=random_biases))
    cases.append(layer_case("attention_dropout_train", [{"kind": "attention", "dim": 4, "heads": 2, "causal": True,
                                                         "p": 0.3}], (3, 4, 4), seed=77, prepare=random_biases))
    cases.append(layer_case("attention_dropout_eval", [{"kind": "attention", "dim": 4, "heads": 2, "p": 0.3}],
                            (2, 3, 4), training=False, seed=78))
    cases.append(layer_case("rmsnorm", [{"kind": "rmsnorm", "features": 6}], (3, 6), seed=79, prepare=random_running_stats))
    cases.append(layer_case("rmsnorm_eps_3d", [{"kind": "rmsnorm", "features": 4, "eps": 1e-3}], (2, 3, 4), seed=80,
                            prepare=random_running_stats))
    # Mean squares near 1e-8, below the default eps (float32's 1.19e-7), which then dominates.
    cases.append(layer_case("rmsnorm_default_eps_dominates", [{"kind": "rmsnorm", "features": 5}], (3, 5), seed=87,
                            x_scale=1e-4))
    cases.append(layer_case("silu", [{"kind": "silu"}], (2, 3, 4), seed=81))
    cases.append(layer_case("avgpool_global", [{"kind": "avgpool_global"}], (2, 3, 4, 5), seed=82))
    cases.append(layer_case("residual_identity", [{"kind": "residual", "items": [
        {"name": "fc", "kind": "linear", "in": 4, "out": 4}, {"name": "1", "kind": "gelu"}]}], (2, 3, 4), seed=83))
    cases.append(layer_case("residual_shortcut", [
        {"kind": "residual", "items": [
            {"name": "conv1", "kind": "conv", "in": 2, "out": 3, "kernel": 3, "stride": 2, "padding": 1, "bias": False},
            {"name": "bn1", "kind": "batchnorm", "channels": 3, "dims": 4}, {"name": "2", "kind": "relu"}],
         "shortcut": [{"name": "0", "kind": "conv", "in": 2, "out": 3, "kernel": 1, "stride": 2, "bias": False},
                      {"name": "1", "kind": "batchnorm", "channels": 3, "dims": 4}]},
        {"kind": "avgpool_global"}, {"kind": "linear", "in": 3, "out": 2}], (2, 2, 6, 6), seed=84))
    block = [
        {"name": "0", "kind": "residual", "items": [{"name": "ln1", "kind": "layernorm", "features": 4},
                                                    {"name": "attn", "kind": "attention", "dim": 4, "heads": 2,
                                                     "causal": True, "p": 0.2}]},
        {"name": "1", "kind": "residual", "items": [{"name": "norm", "kind": "rmsnorm", "features": 4},
                                                    {"name": "fc", "kind": "linear", "in": 4, "out": 8},
                                                    {"name": "act", "kind": "silu"},
                                                    {"name": "proj", "kind": "linear", "in": 8, "out": 4}]}]
    # A whole model from its seed: init order, names, dropout draws after init, backward.
    cases.append(layer_case("model_tiny_transformer", [
        {"kind": "embedding", "count": 9, "dim": 4}, {"kind": "posembed", "length": 6, "dim": 4},
        {"kind": "repeat", "count": 2, "items": block}, {"kind": "layernorm", "features": 4},
        {"kind": "linear", "in": 4, "out": 9}], (2, 5), seed=85, ids=9))
    cases.append(layer_case("model_nested_sequence", [
        {"kind": "sequence", "items": [{"name": "a", "kind": "linear", "in": 3, "out": 4}, {"name": "b", "kind": "tanh"}]},
        {"kind": "linear", "in": 4, "out": 2}], (3, 3), seed=86))
    return cases


def layer_cases():
    cases = []
    cases.append(layer_case("linear", [{"kind": "linear", "in": 5, "out": 4}], (3, 5), seed=1))
    cases.append(layer_case("linear_nobias", [{"kind": "linear", "in": 5, "out": 4, "bias": False}], (3, 5), seed=2))
    cases.append(layer_case("linear_flattens", [{"kind": "linear", "in": 12, "out": 3}], (2, 2, 3, 2), seed=3))
    n = 0
    for stride in (1, 2):
        for padding in (0, 1):
            for bias in (True, False):
                n += 1
                cases.append(layer_case(f"conv_s{stride}_p{padding}_{'bias' if bias else 'nobias'}",
                                        [{"kind": "conv", "in": 2, "out": 3, "kernel": 3, "stride": stride,
                                          "padding": padding, "bias": bias}], (2, 2, 6, 5), seed=10 + n))
    cases.append(layer_case("conv_k2_s3_p2", [{"kind": "conv", "in": 3, "out": 2, "kernel": 2, "stride": 3,
                                               "padding": 2}], (2, 3, 7, 8), seed=20))
    cases.append(layer_case("conv_1x1", [{"kind": "conv", "in": 4, "out": 2, "kernel": 1}], (3, 4, 3, 3), seed=21))
    for kind in ("maxpool", "avgpool"):
        for k, s in ((2, 2), (3, 1), (2, 1), (3, 2)):
            cases.append(layer_case(f"{kind}_k{k}_s{s}", [{"kind": kind, "kernel": k, "stride": s}], (2, 2, 6, 5), seed=30))
    for kind in ("relu", "tanh", "sigmoid", "gelu", "flatten"):
        cases.append(layer_case(kind, [{"kind": kind}], (2, 3, 4), seed=40))
    cases.append(layer_case("dropout_p0_train", [{"kind": "dropout", "p": 0.0}], (2, 5), seed=41))
    cases.append(layer_case("dropout_train", [{"kind": "dropout", "p": 0.3}], (4, 50), seed=42))
    cases.append(layer_case("model_dropout_masks_follow_init", [
        {"kind": "linear", "in": 6, "out": 20}, {"kind": "dropout", "p": 0.5}, {"kind": "linear", "in": 20, "out": 3},
        {"kind": "dropout", "p": 0.1}], (5, 6), seed=43))
    cases.append(layer_case("dropout_eval", [{"kind": "dropout", "p": 0.5}], (2, 5), training=False, seed=41))
    for training in (True, False):
        mode = "train" if training else "eval"
        cases.append(layer_case(f"batchnorm1d_{mode}", [{"kind": "batchnorm", "channels": 3, "dims": 2}], (5, 3),
                                training, seed=50, prepare=random_running_stats))
        cases.append(layer_case(f"batchnorm1d_len_{mode}", [{"kind": "batchnorm", "channels": 3, "dims": 3}], (4, 3, 5),
                                training, seed=51, prepare=random_running_stats))
        cases.append(layer_case(f"batchnorm2d_{mode}", [{"kind": "batchnorm", "channels": 3, "dims": 4}], (2, 3, 4, 5),
                                training, seed=52, prepare=random_running_stats))
    cases.append(layer_case("layernorm", [{"kind": "layernorm", "features": 6}], (3, 6), seed=60, prepare=random_running_stats))
    cases.append(layer_case("layernorm_3d", [{"kind": "layernorm", "features": 4}], (2, 3, 4), seed=61, prepare=random_running_stats))
    # Whole models: default initialisation from the seed, then forward and backward together.
    cases.append(layer_case("model_cnn", [
        {"kind": "conv", "in": 3, "out": 4, "kernel": 3, "padding": 1}, {"kind": "batchnorm", "channels": 4, "dims": 4},
        {"kind": "relu"}, {"kind": "maxpool", "kernel": 2, "stride": 2}, {"kind": "conv", "in": 4, "out": 5, "kernel": 3, "stride": 2},
        {"kind": "gelu"}, {"kind": "flatten"}, {"kind": "linear", "in": 5, "out": 6}, {"kind": "layernorm", "features": 6},
        {"kind": "tanh"}, {"kind": "linear", "in": 6, "out": 3}], (2, 3, 8, 8), seed=7))
    cases.append(layer_case("model_mlp", [
        {"kind": "linear", "in": 10, "out": 8}, {"kind": "sigmoid"}, {"kind": "relu"},
        {"kind": "linear", "in": 8, "out": 4, "bias": False}], (3, 10), seed=8))
    # A relu after a conv or linear is fused into it by the runtime: check the pairs.
    cases.append(layer_case("model_conv_relu_linear_relu", [
        {"kind": "conv", "in": 3, "out": 4, "kernel": 3, "padding": 1}, {"kind": "relu"},
        {"kind": "linear", "in": 144, "out": 5}, {"kind": "relu"}, {"kind": "linear", "in": 5, "out": 3}],
        (3, 3, 6, 6), seed=9))
    return cases


def loss_cases():
    g = torch.Generator().manual_seed(77)
    out = []
    for batch, classes in ((4, 5), (3, 2), (1, 7)):
        z = (torch.randn(batch, classes, generator=g) * 3).requires_grad_(True)
        y = torch.randint(0, classes, (batch,), generator=g)
        loss = F.cross_entropy(z, y)
        loss.backward()
        out.append({"kind": "cross_entropy", "shape": [batch, classes], "logits": flat(z),
                    "labels": [int(v) for v in y], "loss": float(loss.detach()), "grad": flat(z.grad)})
    # Large logits: the stable log-softmax must not overflow.
    z = torch.tensor([[1000.0, -1000.0, 999.0], [-50.0, 60.0, 0.0]], requires_grad=True)
    y = torch.tensor([0, 2])
    loss = F.cross_entropy(z, y)
    loss.backward()
    out.append({"kind": "cross_entropy", "shape": [2, 3], "logits": flat(z), "labels": [0, 2],
                "loss": float(loss.detach()), "grad": flat(z.grad)})
    # Logits [B, T, V], targets [B, T]: the mean over all B*T positions.
    z = (torch.randn(2, 3, 5, generator=g) * 2).requires_grad_(True)
    y = torch.randint(0, 5, (2, 3), generator=g)
    loss = F.cross_entropy(z.reshape(-1, 5), y.reshape(-1))
    loss.backward()
    out.append({"kind": "cross_entropy", "shape": [2, 3, 5], "logits": flat(z), "labels": [int(v) for v in y.reshape(-1)],
                "loss": float(loss.detach()), "grad": flat(z.grad)})
    for shape in ((3, 4), (5, 1)):
        o = torch.randn(shape, generator=g).requires_grad_(True)
        t = torch.randn(shape, generator=g)
        loss = F.mse_loss(o, t)
        loss.backward()
        out.append({"kind": "mse", "shape": list(shape), "output": flat(o), "target": flat(t),
                    "loss": float(loss.detach()), "grad": flat(o.grad)})
    return out


def random_fixtures():
    res = {}
    inits = []
    for seed, specs, shape in (
            (1, [{"kind": "conv", "in": 3, "out": 16, "kernel": 3}, {"kind": "relu"},
                 {"kind": "linear", "in": 10816, "out": 10}], [3, 28, 28]),
            (2, [{"kind": "linear", "in": 100, "out": 50}, {"kind": "relu"},
                 {"kind": "linear", "in": 50, "out": 10}], [100]),
            (0, [{"kind": "linear", "in": 3, "out": 2}], [3]),
            (123456789012, [{"kind": "conv", "in": 1, "out": 2, "kernel": 2, "bias": False},
                            {"kind": "batchnorm", "channels": 2, "dims": 4}, {"kind": "flatten"},
                            {"kind": "linear", "in": 8, "out": 3}], [1, 3, 3]),
            (3, [{"kind": "embedding", "count": 50, "dim": 7}, {"kind": "attention", "dim": 7, "heads": 1},
                 {"kind": "attention", "dim": 7, "heads": 7, "bias": False}, {"kind": "posembed", "length": 3, "dim": 7}],
             [3]),
            (17, [{"kind": "embedding", "count": 3, "dim": 5},
                  {"kind": "repeat", "count": 2, "items": [
                      {"name": "attn", "kind": "attention", "dim": 5, "heads": 1, "causal": True, "p": 0.2},
                      {"name": "res", "kind": "residual", "items": [{"name": "fc", "kind": "linear", "in": 5, "out": 5}],
                       "shortcut": [{"name": "0", "kind": "linear", "in": 5, "out": 5, "bias": False}]}]}],
             [4])):
        torch.manual_seed(seed)
        model = Seq(build(specs))
        tensors = {}
        for k, v in model.layers.state_dict().items():
            if v.dtype == torch.int64:
                continue
            f = v.reshape(-1)
            tensors[k] = {"count": f.numel(), "head": flat(f[:12]), "tail": flat(f[-12:]),
                          "sum": float(f.double().sum())}
        # What the generator gives next, after building the model.
        after = torch.randperm(20).tolist()
        inits.append({"seed": seed, "layers": specs, "input_shape": shape, "tensors": tensors, "randperm_after": after})
    res["inits"] = inits
    torch.manual_seed(42)
    res["uniform_float_seed42"] = flat(torch.empty(10).uniform_(-2, 3))
    torch.manual_seed(42)
    res["uniform_double_seed42"] = torch.empty(6, dtype=torch.float64).uniform_().tolist()
    normals = []
    for seed, n, mean, std in ((5, 37, 0.5, 2.0), (6, 16, 0.0, 1.0), (7, 300, 0.0, 1.0), (8, 15, -1.0, 0.5)):
        torch.manual_seed(seed)
        normals.append({"seed": seed, "mean": mean, "std": std, "values": flat(torch.empty(n).normal_(mean, std)),
                        "after": torch.randperm(10).tolist()})
    res["normal_float"] = normals
    torch.manual_seed(42)
    res["normal_double_seed42"] = [torch.empty(1, dtype=torch.float64).normal_().item() for _ in range(5)]
    perms = {}
    for seed, n in ((0, 10), (5, 1), (5, 2), (7, 100), (3, 1000)):
        torch.manual_seed(seed)
        perms[f"{seed}_{n}"] = torch.randperm(n).tolist()
    res["randperm"] = perms
    # DataLoader(shuffle=True) after the model is built: two epochs' visiting orders.
    loaders = []
    for seed, n in ((1, 10), (4, 37)):
        torch.manual_seed(seed)
        nn.Linear(5, 3)
        data = torch.utils.data.TensorDataset(torch.arange(n))
        loader = torch.utils.data.DataLoader(data, batch_size=n, shuffle=True)
        epochs = [next(iter(loader))[0].tolist() for _ in range(2)]
        loaders.append({"seed": seed, "n": n, "epochs": epochs})
    res["dataloader"] = loaders
    return res


def main():
    with open(os.path.join(HERE, "layers.json"), "w") as f:
        json.dump({"generated_by": f"torch {torch.__version__}", "cases": layer_cases() + version2_cases(), "losses": loss_cases()}, f)
    with open(os.path.join(HERE, "random.json"), "w") as f:
        json.dump({"generated_by": f"torch {torch.__version__}", **random_fixtures()}, f)


if __name__ == "__main__":
    main()
