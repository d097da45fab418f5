class Residual(nn.Module):
    """lrs's `residual`: body(x) + x, or body(x) + shortcut(x). Built as nn.Sequential
    is, from modules (named 0, 1, ...) or one OrderedDict of labelled modules; those
    are its children, and the shortcut (an nn.Sequential) is the child `shortcut`."""

    def __init__(self, *body, shortcut=None):
        super().__init__()
        if len(body) == 1 and isinstance(body[0], OrderedDict):
            items = list(body[0].items())
        else:
            items = [(str(i), module) for i, module in enumerate(body)]
        for name, module in items:
            self.add_module(name, module)
        self.shortcut = shortcut

    def forward(self, x):
        y = x
        for name, module in self.named_children():
            if name != "shortcut":
                y = module(y)
        return y + (x if self.shortcut is None else self.shortcut(x))


class PosEmbed(nn.Module):
    """lrs's `posembed`: a learned vector per position added to [B, T, DIM], T <= LEN;
    one parameter `weight` [LEN, DIM], initialised N(0, 1) as nn.Embedding's."""

    def __init__(self, length, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(length, dim))
        nn.init.normal_(self.weight)

    def forward(self, x):
        return x + self.weight[:x.shape[1]]


class SelfAttention(nn.MultiheadAttention):
    """lrs's `attention`: nn.MultiheadAttention over [B, T, DIM] (batch_first) called
    with query = key = value; when causal, position t attends to positions up to t."""

    def __init__(self, dim, heads, causal=False, bias=True, dropout=0.0):
        super().__init__(dim, heads, dropout=dropout, bias=bias, batch_first=True)
        self.causal = causal

    def forward(self, x):
        mask = None
        if self.causal:
            t = x.shape[1]
            mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        return super().forward(x, x, x, attn_mask=mask, need_weights=False)[0]


def blocks_copy():
    """One of the 4 copies of `blocks`: each call builds new parameters."""
    return nn.Sequential(
        Residual(OrderedDict([
            ("ln1", nn.LayerNorm(64)),
            ("attn", SelfAttention(64, 4, causal=True)),
        ])),
        Residual(OrderedDict([
            ("ln2", nn.LayerNorm(64)),
            ("fc", nn.Linear(64, 256)),
            ("2", nn.GELU()),
            ("proj", nn.Linear(256, 64)),
        ])),
    )


def build_model():
    """The script's model; state_dict names are the script's parameter names."""
    return nn.Sequential(OrderedDict([
        ("embed", nn.Embedding(256, 64)),
        ("pos", PosEmbed(32, 64)),
        ("blocks", nn.Sequential(*[blocks_copy() for _ in range(4)])),
        ("ln_f", nn.LayerNorm(64)),
        ("head", nn.Linear(64, 256)),
    ]))
