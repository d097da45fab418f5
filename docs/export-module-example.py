"""The parameter groups, optimizers and schedules of warmup_cosine.lrs for your own
training code, written by `lrs export`. torch is its only dependency.

    from warmup_cosine import build

    setup = build(model)  # checks the model's names and shapes against the script's
    for epoch in range(epochs):
        for x, y in batches:
            loss_fn(model(x), y).backward()
            setup.step()
        setup.epoch_end()

The model may be wrapped in DistributedDataParallel or torch.compile (build looks
through them), so the module serves a torchrun job as it serves one process.
setup.state_dict() keys optimizer and schedule state by group and parameter names.
"""

import collections

import torch
from torch.optim.lr_scheduler import (
    CosineAnnealingLR, LinearLR, OneCycleLR, ReduceLROnPlateau, SequentialLR,
)


SCRIPT = "warmup_cosine.lrs"
CLIP = None  # the script does not clip gradients

# The tensors the script was checked with, by state_dict name, with their shapes:
# build() compares the live model with them.
PARAMETERS = {
    "body.weight": (64, 32),
    "body.bias": (64,),
    "head.weight": (4, 64),
    "head.bias": (4,),
}
FROZEN = []


# Parameter groups in the script's order, parameters by the script's names;
# a group's own hyperparameters override its optimizer's.
SGD_GROUPS = [
    # line 11: group body
    {"name": "body", "params": ["body.weight", "body.bias"]},
    # line 12: group head lr 0.05
    {"name": "head", "lr": 0.05, "params": ["head.weight", "head.bias"]},
]
ALL_GROUPS = SGD_GROUPS  # every group, by kind
GROUP_ORDER = ["body", "head"]


def build(model, *, epochs=None, steps_per_epoch=None):
    """The script's setup on `model`, after checking its parameters against the script's:
    one ValueError lists every missing, unexpected and mis-shaped name. Freezes what the
    script freezes, puts each group's parameters in the model's order, and returns a
    Setup. The schedules' run length was fixed when the module was written (by the
    script, or `lrs export --epochs`): epochs and steps_per_epoch are not needed."""
    model = unwrap(model)
    parameters = dict(model.named_parameters(remove_duplicate=False))
    tensors = check(model, parameters)
    for name in FROZEN:
        tensors[name].requires_grad_(False)
    position = {}  # the model's parameter order, as model.parameters() gives it
    for parameter in parameters.values():
        position.setdefault(id(parameter), len(position))
    names = {}  # the script's name of every grouped parameter, by id

    def groups(spec):
        built = []
        for group in spec:
            params = []
            for name in group["params"]:
                parameter = tensors[name]
                if id(parameter) not in names:  # a tied parameter's names: once
                    names[id(parameter)] = name
                    params.append(parameter)
            params.sort(key=lambda p: position[id(p)])
            built.append({**group, "params": params})
        return built

    optimizers = [
        # line 10: optimizer sgd lr 0.1 momentum 0.9 nesterov true
        torch.optim.SGD(groups(SGD_GROUPS), lr=0.1, momentum=0.9, nesterov=True),
    ]
    schedules = make_schedules(optimizers)
    return Setup(optimizers, schedules, names)


class Setup:
    """The script's optimizers and schedules on a live model, for your own training loop.

    optimizers: one per optimizer kind, in order of first use.
    schedulers: the PyTorch schedulers, for inspection.
    """

    def __init__(self, optimizers, schedules, names):
        self.optimizers = optimizers
        self.schedulers = [schedule.scheduler for schedule in schedules]
        self._schedules = schedules
        self._names = names

    def groups(self):
        """Every parameter group by name, in the script's order."""
        by_name = {g["name"]: g for optimizer in self.optimizers for g in optimizer.param_groups}
        return {name: by_name[name] for name in GROUP_ORDER}

    def step(self):
        """After backward(): the gradients clipped (if the script clips), every optimizer
        steps, then every per-step schedule; then the gradients are zeroed for the next step."""
        if CLIP is not None:
            trained = [p for group in self.groups().values() for p in group["params"]]
            torch.nn.utils.clip_grad_norm_(trained, CLIP)
        for optimizer in self.optimizers:
            optimizer.step()
        for schedule in self._schedules:
            if schedule.per_step:
                schedule.step()
        for optimizer in self.optimizers:
            optimizer.zero_grad()

    def epoch_end(self, metric=None):
        """After an epoch's steps: every per-epoch schedule steps; a plateau schedule reads
        the metric (the epoch's validation or mean training loss)."""
        per_epoch = [schedule for schedule in self._schedules if not schedule.per_step]
        if metric is None and any(plateau(schedule.scheduler) for schedule in per_epoch):
            raise ValueError("epoch_end() needs the metric: a plateau schedule reads it")
        for schedule in per_epoch:
            schedule.step(metric)

    def lr(self):
        """The learning rate of every group, by name."""
        return {name: group["lr"] for name, group in self.groups().items()}

    def state_dict(self):
        """Optimizer and schedule state keyed by group and parameter names, not positions, so
        that a run resumes even after the script's groups were reordered."""
        groups, state = {}, {}
        for optimizer in self.optimizers:
            kind = type(optimizer).__name__
            for group in optimizer.param_groups:
                names = [self._names[id(p)] for p in group["params"]]
                settings = {k: v for k, v in group.items() if k != "params"}
                groups[group["name"]] = {"optimizer": kind, "settings": settings, "params": names}
                for name, parameter in zip(names, group["params"]):
                    if parameter in optimizer.state:
                        state[name] = optimizer.state[parameter]
        schedules = {}
        for key, schedule in self._keyed_schedules().items():
            scheduler = schedule.scheduler.state_dict()
            saved = {"scheduler": by_group(scheduler, schedule_groups(schedule))}
            if hasattr(schedule, "own"):
                own = schedule.own.param_groups[0]
                saved["own"] = {k: v for k, v in own.items() if k != "params"}
            schedules[key] = saved
        return {"groups": groups, "state": state, "schedules": schedules}

    def load_state_dict(self, state_dict, strict=True):
        """Restores what state_dict() saved, matching groups and parameters by name. With
        strict=True any group, parameter or schedule that is new or gone is a ValueError;
        with strict=False they are reported (new ones keep their starting state)."""
        saved_groups = state_dict["groups"]
        saved_schedules = state_dict["schedules"]
        saved_kind = {name: g["optimizer"] for g in saved_groups.values() for name in g["params"]}
        kinds = {g["name"]: type(o).__name__ for o in self.optimizers for g in o.param_groups}
        current_kind = {self._names[id(p)]: type(o).__name__
                        for o in self.optimizers for g in o.param_groups for p in g["params"]}
        schedules = self._keyed_schedules()
        report = LoadReport(
            new_groups=[n for n in GROUP_ORDER
                        if saved_groups.get(n, {}).get("optimizer") != kinds[n]],
            new_parameters=[n for n, kind in current_kind.items() if saved_kind.get(n) != kind],
            new_schedules=[key for key in schedules if key not in saved_schedules],
            unused_groups=[n for n in saved_groups if n not in kinds],
            unused_parameters=[n for n in saved_kind if n not in current_kind],
            unused_schedules=[key for key in saved_schedules if key not in schedules],
        )
        if strict and any(report):
            raise ValueError("the saved state does not match this setup:\n" + report.text())
        for optimizer in self.optimizers:
            kind = type(optimizer).__name__
            positional = optimizer.state_dict()
            for index, group in enumerate(optimizer.param_groups):
                saved = saved_groups.get(group["name"])
                if saved is None or saved["optimizer"] != kind:
                    continue
                ids = positional["param_groups"][index]["params"]
                positional["param_groups"][index] = {**saved["settings"], "params": ids}
                for key, parameter in zip(ids, group["params"]):
                    name = self._names[id(parameter)]
                    if name in state_dict["state"] and saved_kind.get(name) == kind:
                        positional["state"][key] = state_dict["state"][name]
            optimizer.load_state_dict(positional)
        groups = self.groups()  # loading made new group dicts
        for key, schedule in schedules.items():
            if hasattr(schedule, "own"):
                schedule.group = groups[schedule.group["name"]]
            saved = saved_schedules.get(key)
            if saved is None:
                continue
            current = schedule.scheduler.state_dict()
            names = schedule_groups(schedule)
            schedule.scheduler.load_state_dict(by_position(saved["scheduler"], current, names))
            if "own" in saved:
                schedule.own.param_groups[0].update(saved["own"])
        return report

    def _keyed_schedules(self):
        """Each schedule under a name: `group NAME` for a schedule of one group's rate,
        `group NAME HYPERPARAMETER` for one of its weight_decay or momentum (betas), else
        `optimizer KIND` for one that serves all of an optimizer's groups."""
        keyed = {}
        for schedule in self._schedules:
            if hasattr(schedule, "own"):
                extra = " " + schedule.key if hasattr(schedule, "key") else ""
                keyed["group " + schedule.group["name"] + extra] = schedule
            else:
                keyed["optimizer " + type(schedule.scheduler.optimizer).__name__] = schedule
        return keyed


class LoadReport(collections.namedtuple("LoadReport", [
        "new_groups", "new_parameters", "new_schedules",
        "unused_groups", "unused_parameters", "unused_schedules"])):
    """What Setup.load_state_dict() found new in this setup, and what it found saved that
    this setup does not have (by name)."""

    def text(self):
        lines = []
        for field, items in zip(self._fields, self):
            if items:
                lines.append(f"  {field.replace('_', ' ')}: " + ", ".join(f"'{n}'" for n in items))
        return "\n".join(lines)


def unwrap(model):
    """The model inside DistributedDataParallel or DataParallel (`.module`) and
    torch.compile (`._orig_mod`) wrappers, which prefix its parameter names."""
    while True:
        if isinstance(model, (torch.nn.parallel.DistributedDataParallel, torch.nn.DataParallel)):
            model = model.module
        elif "_orig_mod" in model._modules:
            model = model._orig_mod
        else:
            return model


def shape_text(shape):
    return "[" + ", ".join(str(n) for n in shape) + "]"


def check(model, parameters):
    """The live model's tensors by the script's names, after comparing them with the names
    and shapes the script was checked with; one ValueError lists every difference.
    `parameters` has every name of every parameter (a tied one answers to each); a name
    the script froze may be a buffer."""
    buffers = None  # looked up only when a name is not a parameter's
    frozen = set(FROZEN)
    tensors, seen, problems = {}, set(), []
    for name, shape in PARAMETERS.items():
        tensor = parameters.get(name)
        if tensor is None:
            buffers = buffers or dict(model.named_buffers(remove_duplicate=False))
        if tensor is None and name in frozen:
            tensor = buffers.get(name)
        if tensor is None:
            where = " (a buffer of the model)" if name in buffers else ""
            problems.append(f"missing: '{name}' {shape_text(shape)}{where}")
            continue
        seen.add(id(tensor))
        if tuple(tensor.shape) != shape:
            problems.append(f"mis-shaped: '{name}' is {shape_text(tensor.shape)} in the model, "
                            f"{shape_text(shape)} in the script")
        else:
            tensors[name] = tensor
    for name, parameter in parameters.items():
        if id(parameter) not in seen and parameter.requires_grad:
            seen.add(id(parameter))  # a tied parameter once
            problems.append(f"unexpected: '{name}' {shape_text(parameter.shape)} requires grad "
                            "and is in no group")
    owner = {}
    for group in ALL_GROUPS:
        for name in group["params"]:
            tensor = tensors.get(name)
            if tensor is None:
                continue
            first, other = owner.setdefault(id(tensor), (name, group["name"]))
            if other != group["name"]:
                problems.append(f"tied: '{first}' (group {other}) and '{name}' "
                                f"(group {group['name']}) are one parameter of the model")
    if problems:
        count = f"{len(problems)} difference{'s' if len(problems) > 1 else ''}"
        listed = "".join("\n  " + problem for problem in problems)
        raise ValueError(f"the model does not match {SCRIPT} ({count}):{listed}")
    return tensors


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


class GroupSchedule(Schedule):
    """A schedule for one parameter group alone, as if the group had an optimizer of
    its own: the scheduler runs on a throwaway optimizer (same kind and hyperparameters,
    one dummy parameter), and after every step the group takes its lr, and the momentum
    or betas that cyclic and one-cycle schedules cycle."""

    def __init__(self, optimizer, name, make_scheduler, per_step=False):
        self.group = next(g for g in optimizer.param_groups if g["name"] == name)
        settings = {k: v for k, v in self.group.items() if k not in ("params", "initial_lr")}
        # 2-D: torch.optim.Muon takes matrices only; every other kind takes it too.
        dummy = torch.zeros(1, 1, requires_grad=True)
        self.own = type(optimizer)([{**settings, "params": [dummy]}])
        super().__init__(make_scheduler(self.own), per_step)
        self.copy_rates()

    def copy_rates(self):
        own = self.own.param_groups[0]
        for key in ("lr", "momentum", "betas"):
            if key in own and key in self.group:
                self.group[key] = own[key]

    def step(self, loss=None):
        self.own.step()  # no gradient: changes nothing, keeps PyTorch's step-order check quiet
        super().step(loss)
        self.copy_rates()


def make_schedules(optimizers):
    """Each group's schedule, in group order; groups without one keep their rate."""
    [sgd] = optimizers

    # line 13: schedule body linear start_factor 0.1 total_iters 5 until 5 then cosine ...
    def body_schedule(optimizer):
        return SequentialLR(optimizer, [
            LinearLR(optimizer, start_factor=0.1, total_iters=5),
            CosineAnnealingLR(optimizer, T_max=45, eta_min=0.0001),
        ], milestones=[5])

    # line 14: schedule head onecycle 0.5 2000 pct_start 0.25 anneal_strategy linear
    def head_schedule(optimizer):
        return OneCycleLR(
            optimizer, max_lr=0.5, total_steps=2000, pct_start=0.25, anneal_strategy="linear")

    return [
        GroupSchedule(sgd, "body", body_schedule),
        GroupSchedule(sgd, "head", head_schedule, per_step=True),
    ]


# Scheduler state that holds one entry per parameter group (PyTorch 2.13's names).
PER_GROUP = ("base_lrs", "_last_lr", "min_lrs", "max_lrs", "base_momentums", "max_momentums",
             "lr_lambdas")


def plateau(scheduler):
    return isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)


def schedule_groups(schedule):
    """The names of the groups a schedule's scheduler sees, in its optimizer's order."""
    if hasattr(schedule, "own"):
        return [schedule.group["name"]]
    return [group["name"] for group in schedule.scheduler.optimizer.param_groups]


def by_group(state, names):
    """A scheduler's state with its per-group lists as dicts by group name."""
    keyed = {}
    for key, value in state.items():
        if key in PER_GROUP and isinstance(value, list) and len(value) == len(names):
            value = dict(zip(names, value))
        elif key == "_schedulers":
            value = [by_group(child, names) for child in value]
        keyed[key] = value
    return keyed


def by_position(state, current, names):
    """by_group() undone for the groups in `names` order; a group new to this setup keeps
    the value the scheduler has now."""
    positional = {}
    for key, value in state.items():
        if key in PER_GROUP and isinstance(value, dict):
            now = current.get(key) or [None] * len(names)
            value = [value.get(name, now[index]) for index, name in enumerate(names)]
        elif key == "_schedulers":
            value = [by_position(child, now, names) for child, now in zip(value, current[key])]
        positional[key] = value
    return positional
