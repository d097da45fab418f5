"""Reference cases for the lrs optimizers, computed by PyTorch.

Run with a Python that has torch (e.g. "$TORCH_PYTHON" make_fixtures.py); it rewrites
cases/NAME.json next to this file, deterministically. Each case builds a torch optimizer over small
float32 tensors, feeds it recorded gradients for STEPS steps (torch's default for-loop
implementation, as lrs mirrors), optionally changing lr / momentum / betas[0] per step as a
schedule would, and records the parameters and optimizer state after the last step.
Floats are written as the shortest decimal that round-trips in float32.
"""
import json
import os

import numpy as np
import torch

STEPS = 12
SHAPES = [[4, 5], [7], []]

KINDS = {
    "sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad,
    "adadelta": torch.optim.Adadelta, "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam, "radam": torch.optim.RAdam,
    "muon": torch.optim.Muon, "adafactor": torch.optim.Adafactor, "asgd": torch.optim.ASGD,
    "rprop": torch.optim.Rprop,
}

# (name, kind, options of every group, extra)
CASES = [
    ("sgd", "sgd", {"lr": 0.1}, {}),
    ("sgd_momentum", "sgd", {"lr": 0.05, "momentum": 0.9}, {}),
    ("sgd_dampening", "sgd", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}, {}),
    ("sgd_nesterov", "sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, {}),
    ("sgd_weight_decay_maximize", "sgd", {"lr": 0.03, "weight_decay": 0.1, "maximize": True}, {}),
    ("sgd_all", "sgd", {"lr": 0.02, "momentum": 0.7, "nesterov": True, "weight_decay": 0.05,
                        "maximize": True}, {}),
    ("adam", "adam", {"lr": 0.01}, {}),
    ("adam_amsgrad", "adam", {"lr": 0.01, "amsgrad": True}, {}),
    ("adam_weight_decay", "adam", {"lr": 0.01, "weight_decay": 0.1}, {}),
    ("adam_maximize", "adam", {"lr": 0.01, "maximize": True, "betas": (0.8, 0.95), "eps": 1e-3}, {}),
    ("adam_decoupled", "adam", {"lr": 0.01, "weight_decay": 0.2, "decoupled_weight_decay": True}, {}),
    ("adam_all", "adam", {"lr": 0.02, "amsgrad": True, "weight_decay": 0.05, "maximize": True}, {}),
    ("adamw", "adamw", {"lr": 0.01}, {}),
    ("adamw_amsgrad", "adamw", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.3}, {}),
    ("adamw_maximize", "adamw", {"lr": 0.01, "maximize": True}, {}),
    ("rmsprop", "rmsprop", {"lr": 0.01}, {}),
    ("rmsprop_momentum", "rmsprop", {"lr": 0.01, "momentum": 0.9}, {}),
    ("rmsprop_centered", "rmsprop", {"lr": 0.01, "centered": True, "alpha": 0.9}, {}),
    ("rmsprop_all", "rmsprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1,
                                "maximize": True, "eps": 1e-4}, {}),
    ("adagrad", "adagrad", {"lr": 0.1}, {}),
    ("adagrad_lr_decay", "adagrad", {"lr": 0.1, "lr_decay": 0.05}, {}),
    ("adagrad_initial_accumulator", "adagrad", {"lr": 0.1, "initial_accumulator_value": 0.5}, {}),
    ("adagrad_all", "adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1, "maximize": True,
                                "initial_accumulator_value": 0.1, "eps": 1e-6}, {}),
    ("adadelta", "adadelta", {}, {}),
    ("adadelta_weight_decay", "adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1}, {}),
    ("adadelta_maximize", "adadelta", {"lr": 1.0, "eps": 1e-4, "maximize": True}, {}),
    ("adamax", "adamax", {}, {}),
    ("adamax_weight_decay", "adamax", {"lr": 0.01, "weight_decay": 0.1, "betas": (0.8, 0.9)}, {}),
    ("adamax_maximize", "adamax", {"lr": 0.01, "maximize": True}, {}),
    ("nadam", "nadam", {}, {}),
    ("nadam_weight_decay", "nadam", {"lr": 0.01, "weight_decay": 0.1}, {}),
    ("nadam_decoupled", "nadam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}, {}),
    ("nadam_momentum_decay", "nadam", {"lr": 0.01, "momentum_decay": 0.1, "betas": (0.85, 0.99)}, {}),
    ("nadam_maximize", "nadam", {"lr": 0.01, "maximize": True}, {}),
    ("radam", "radam", {"lr": 0.01}, {}),
    ("radam_weight_decay", "radam", {"lr": 0.01, "weight_decay": 0.1}, {}),
    ("radam_decoupled", "radam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}, {}),
    ("radam_maximize", "radam", {"lr": 0.01, "maximize": True, "betas": (0.9, 0.99)}, {}),
    # Two groups, a parameter without gradient, and rates / momentum changed at every step
    # as a schedule (cyclic, onecycle) would change them.
    ("adam_groups_scheduled", "adam", {"lr": 0.01}, {"groups": True, "schedule": "beta1"}),
    ("sgd_groups_scheduled", "sgd", {"lr": 0.05, "momentum": 0.9}, {"groups": True, "schedule": "momentum"}),
    ("rmsprop_groups_scheduled", "rmsprop", {"lr": 0.01, "momentum": 0.8}, {"groups": True,
                                                                          "schedule": "momentum"}),
    # PyTorch 2.13's options together (appended: a case's seed is its position).
    ("adam_decoupled_amsgrad_maximize", "adam", {"lr": 0.01, "weight_decay": 0.2, "decoupled_weight_decay": True,
                                                 "amsgrad": True, "maximize": True}, {}),
    ("nadam_decoupled_maximize", "nadam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True,
                                           "maximize": True}, {}),
    ("radam_decoupled_maximize", "radam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True,
                                           "maximize": True}, {}),
]

# The kinds of issue 15, seeded from 1001 on so that the cases above keep their seeds.
# "shapes" replaces SHAPES (Muon takes matrices only; Adafactor factors >= 2-D ones over
# their last two dimensions), "group1" gives the second group hyperparameters of its own,
# "schedule": "lr" changes the rates only.
MATRICES = [[4, 5], [6, 3], [3, 3]]
FACTORED = [[4, 5], [7], [], [2, 3, 4]]
# The factored kernel's first pass takes rows from four quarters of a matrix, then the one to
# three rows left over; rows of 11, 2 and 9 leave tails past its eight lanes. The mean of 9 row
# factors takes torch's vector sum (eight lanes, the ninth added first), of 5 and 6 its four
# accumulators (the fifth and sixth added to the first).
QUARTERED = [[9, 11], [5, 2], [1, 6, 9]]
NEW_CASES = [
    ("asgd", "asgd", {}, {}),
    ("asgd_averaging", "asgd", {"lr": 0.05, "lambd": 1e-2, "alpha": 0.6, "t0": 3}, {}),
    ("asgd_weight_decay_maximize", "asgd", {"lr": 0.02, "weight_decay": 0.1, "maximize": True, "t0": 5}, {}),
    ("asgd_groups_scheduled", "asgd", {"lr": 0.03, "t0": 4},
     {"groups": True, "schedule": "lr", "group1": {"lambd": 0.05, "alpha": 0.9, "t0": 2, "weight_decay": 0.2}}),
    ("rprop", "rprop", {}, {}),
    ("rprop_etas_step_sizes", "rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2)}, {}),
    ("rprop_maximize", "rprop", {"lr": 0.01, "maximize": True}, {}),
    ("rprop_groups_scheduled", "rprop", {"lr": 0.02},
     {"groups": True, "schedule": "lr", "group1": {"etas": (0.6, 1.1), "step_sizes": (0.01, 0.03),
                                                   "maximize": True}}),
    ("adafactor", "adafactor", {}, {"shapes": FACTORED}),
    ("adafactor_eps", "adafactor", {"lr": 0.05, "eps": (1e-3, 1e-2)}, {"shapes": FACTORED}),
    ("adafactor_beta2_decay_d", "adafactor", {"beta2_decay": -0.5, "d": 1.5, "eps": (1e-20, 1e-4)},
     {"shapes": FACTORED}),
    ("adafactor_weight_decay_maximize", "adafactor", {"lr": 0.02, "weight_decay": 0.1, "maximize": True},
     {"shapes": FACTORED}),
    ("adafactor_groups_scheduled", "adafactor", {"lr": 0.03},
     {"shapes": FACTORED, "groups": True, "schedule": "lr",
      "group1": {"beta2_decay": -0.6, "d": 2.0, "weight_decay": 0.05, "eps": (None, 0.1)}}),
    ("muon", "muon", {}, {"shapes": MATRICES}),
    ("muon_plain_momentum", "muon", {"lr": 0.02, "nesterov": False, "momentum": 0.9, "weight_decay": 0.0},
     {"shapes": MATRICES}),
    ("muon_match_rms_adamw", "muon", {"lr": 0.02, "adjust_lr_fn": "match_rms_adamw", "ns_steps": 3,
                                      "ns_coefficients": (2.0, -1.5, 0.5), "eps": 1e-5},
     {"shapes": MATRICES}),
    ("muon_original", "muon", {"lr": 0.01, "adjust_lr_fn": "original"}, {"shapes": MATRICES}),
    # torch hands products above 16^3 multiply-adds to oneDNN's bfloat16 GEMM rather than its
    # own loops; both sum in float, so lrs still matches bit for bit at this size. (At 40 x 24
    # the float sums' order starts to flip a bfloat16 rounding now and then: 1.9e-5 at most
    # after 12 steps at lr 0.02.)
    ("muon_onednn_sized", "muon", {"lr": 0.02}, {"shapes": [[18, 17]]}),
    ("muon_groups_scheduled", "muon", {"lr": 0.02},
     {"shapes": MATRICES, "groups": True, "schedule": "momentum",
      "group1": {"weight_decay": 0.3, "nesterov": False, "adjust_lr_fn": "match_rms_adamw"}}),
    ("adafactor_row_quarters", "adafactor", {"lr": 0.02}, {"shapes": QUARTERED}),
]
SCALAR_STATE = ("step", "mu_product", "eta", "mu")


def f32(values):
    """Shortest decimal strings that round-trip in float32, as JSON numbers."""
    return [float(np.format_float_positional(np.float32(v), unique=True, trim="-"))
            if np.isfinite(v) else None for v in np.asarray(values, dtype=np.float32).ravel()]


def make_case(name, kind, options, extra, seed):
    gen = torch.Generator().manual_seed(seed)
    shapes = extra.get("shapes", SHAPES)
    params = [torch.randn(s, generator=gen) for s in shapes]
    init = [p.detach().clone() for p in params]
    grads = [[torch.randn(s, generator=gen) * (0.5 + step % 3) for s in shapes] for step in range(STEPS)]
    params = [torch.nn.Parameter(p) for p in params]
    if extra.get("groups"):
        # Group 0: the matrix and the scalar (which never gets a gradient); group 1: the vector.
        group_params = [[0, 2], [1]]
        torch_groups = [{"params": [params[0], params[2]]},
                        {"params": [params[1]], "lr": options.get("lr", 1.0) * 3, **extra.get("group1", {})}]
        no_grad = {2}
    else:
        group_params = [list(range(len(shapes)))]
        torch_groups = [{"params": params}]
        no_grad = set()
    # Options go to the constructor: torch's Adagrad reads initial_accumulator_value from
    # there only, ignoring a per-group value.
    opt = KINDS[kind](torch_groups, **options)
    initial = [{k: v for k, v in group.items() if k != "params"} for group in opt.param_groups]
    schedule = []
    for step in range(STEPS):
        row = []
        for g, group in enumerate(opt.param_groups):
            if extra.get("schedule"):
                group["lr"] = initial[g]["lr"] * (1 + 0.5 * np.cos(step))
                if extra["schedule"] == "lr":
                    pass
                elif extra["schedule"] == "beta1":
                    group["betas"] = (0.85 + 0.01 * (step % 5), group["betas"][1])
                else:
                    group["momentum"] = 0.95 - 0.02 * step
            row.append({"lr": group["lr"], **({"beta1": group["betas"][0]} if "betas" in group else {}),
                        **({"momentum": group["momentum"]} if "momentum" in group else {})})
        schedule.append(row)
        for i, p in enumerate(params):
            p.grad = None if i in no_grad else grads[step][i].clone()
        opt.step()
    # Keyed as in opt.state_dict(): parameters numbered across groups in group order.
    state = {}
    for i, saved in opt.state_dict()["state"].items():
        if saved:
            entry = {}
            for key, value in saved.items():
                if value is None:
                    continue
                if value.dim() == 0 and key in SCALAR_STATE:
                    entry[key] = float(value.item())
                else:
                    entry[key] = f32(value.detach().numpy())
            state[str(i)] = entry
    groups = []
    for g, indices in enumerate(group_params):
        config = {k: v for k, v in opt.param_groups[g].items() if k != "params" and
                  k not in ("foreach", "differentiable", "fused", "capturable")}
        config["betas"] = list(config["betas"]) if "betas" in config else None
        config = {k: v for k, v in config.items() if v is not None}
        # The initial values; schedule rows carry the per-step ones.
        for key in ("lr", "momentum", "betas"):
            if key in initial[g]:
                config[key] = list(initial[g][key]) if key == "betas" else initial[g][key]
        groups.append({"params": indices, "config": config})
    return {
        "name": name, "kind": kind, "steps": STEPS, "groups": groups,
        "shapes": shapes, "no_grad": sorted(no_grad),
        "init": [f32(t.numpy()) for t in init],
        "grads": [[None if i in no_grad else f32(t.numpy()) for i, t in enumerate(step)] for step in grads],
        "schedule": schedule if extra.get("schedule") else None,
        "final": [f32(p.detach().numpy()) for p in params],
        "state": state,
    }


def main():
    torch.use_deterministic_algorithms(True)
    cases = [make_case(name, kind, options, extra, seed)
             for seed, (name, kind, options, extra) in enumerate(CASES, start=1)]
    cases += [make_case(name, kind, options, extra, seed)
              for seed, (name, kind, options, extra) in enumerate(NEW_CASES, start=1001)]
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if old.endswith(".json"):
            os.remove(os.path.join(folder, old))
    for case in cases:
        with open(os.path.join(folder, case["name"] + ".json"), "w") as f:
            f.write(json.dumps(case, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {folder}, torch {torch.__version__}")


if __name__ == "__main__":
    main()
