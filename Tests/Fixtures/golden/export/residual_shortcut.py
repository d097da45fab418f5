class FlattenLinear(nn.Linear):
    """nn.Linear that flattens a multi-dimensional input first, as lrs's `linear`
    does; its parameters keep the names weight and bias."""

    def forward(self, x):
        return super().forward(x.flatten(1))


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


def build_model():
    """The script's model; state_dict names are the script's parameter names."""
    return nn.Sequential(OrderedDict([
        ("0", nn.Conv2d(1, 4, 3, padding=1)),
        ("1", nn.SiLU()),
        ("down", Residual(
            OrderedDict([
                ("conv", nn.Conv2d(4, 8, 3, stride=2, padding=1)),
                ("bn", nn.BatchNorm2d(8)),
            ]),
            shortcut=nn.Sequential(
                nn.Conv2d(4, 8, 1, stride=2, bias=False),
                nn.BatchNorm2d(8),
            ),
        )),
        ("3", Residual(
            nn.Conv2d(8, 8, 3, padding=1),
            nn.RMSNorm(3, eps=1e-06),
            shortcut=nn.Sequential(
                nn.Dropout(0.25),
            ),
        )),
        ("4", nn.AdaptiveAvgPool2d(1)),
        ("5", FlattenLinear(8, 3)),
    ]))
