#!/usr/bin/env python3
"""seed2.lrs as a PyTorch program, written by `lrs export`.

The script does not train: this program builds its model, parameter groups,
optimizers and schedules, and prints the groups with their starting rates.

    python export-example.py
"""

import argparse
from collections import OrderedDict

import torch
from torch import nn
from torch.optim.lr_scheduler import LambdaLR, ReduceLROnPlateau

SEED = 0


def build_model():
    """The script's model; state_dict names are the script's parameter names."""
    return nn.Sequential(OrderedDict([
        ("layer1", nn.Linear(100, 50)),
        ("1", nn.ReLU()),
        ("layer2", nn.Linear(50, 10)),
    ]))


# Parameter groups in the script's order, parameters by state_dict name;
# a group's own hyperparameters override its optimizer's.
ADAM_GROUPS = [
    # line 8: group layer1 lr 0.01
    {"name": "layer1", "params": ["layer1.weight", "layer1.bias"], "lr": 0.01},
    # line 9: group layer2 lr 0.001
    {"name": "layer2", "params": ["layer2.weight", "layer2.bias"], "lr": 0.001},
]


def make_optimizers(model):
    """One optimizer per kind, in order of first use, holding its groups in order."""
    named = dict(model.named_parameters())

    def groups(spec):
        return [{**group, "params": [named[name] for name in group["params"]]} for group in spec]

    return [
        # line 7: optimizer adam
        torch.optim.Adam(groups(ADAM_GROUPS)),
    ]


def parameter_groups(optimizers):
    """Every parameter group, in the script's order."""
    return [group for optimizer in optimizers for group in optimizer.param_groups]


class Schedule:
    """A PyTorch scheduler and when it steps: after every optimizer step (per_step) or
    after every epoch; ReduceLROnPlateau steps with the epoch's loss."""

    def __init__(self, scheduler, per_step=False):
        self.scheduler = scheduler
        self.per_step = per_step

    def step(self, loss=None):
        if isinstance(self.scheduler, ReduceLROnPlateau):
            self.scheduler.step(loss)
        else:
            self.scheduler.step()


def make_schedules(optimizers):
    """Each group's schedule, in group order; groups without one keep their rate."""
    [adam] = optimizers

    # line 10: schedule layer1 lambda 0.95^epoch
    # line 11: schedule layer2 lambda 1
    # LambdaLR: a factor of each group's initial rate, in group order.
    adam_factors = [
        lambda epoch: 0.95 ** epoch,  # layer1
        lambda epoch: 1,  # layer2
    ]

    return [
        Schedule(LambdaLR(adam, adam_factors)),
    ]


def main():
    parser = argparse.ArgumentParser(description="Build seed2.lrs's setup with PyTorch.")
    parser.parse_args()

    torch.manual_seed(SEED)
    model = build_model()
    optimizers = make_optimizers(model)
    make_schedules(optimizers)  # each group's starting rate
    for group in parameter_groups(optimizers):
        count = sum(p.numel() for p in group["params"])
        print(f"{group['name']}: {count} elements, lr {group['lr']:g}")


if __name__ == "__main__":
    main()
