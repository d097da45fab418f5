/// The parts of the `build(model)` module that do not depend on the script: the setup
/// object, the strict check of the live model, and optimizer and schedule state keyed by
/// names. Python text, written as it reads in the module.
enum SetupModuleText {
    static let setup = #"""
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
"""#

    /// The setup of a script with `freeze ... until epoch N`: it counts the epochs that
    /// `epoch_end()` closes and switches `requires_grad` as the script's run does, at the
    /// start of each epoch; the count is part of its state, so a resumed run agrees.
    static let unfreezing = #"""
class UnfreezingSetup(Setup):
    """Setup for a script that freezes parameters until an epoch (FROZEN_UNTIL): they stay
    in their groups with requires_grad off (no .grad, so the optimizers skip them: no state,
    no step count, no weight decay) until epoch_end() has closed that many epochs. Under
    torchrun wrap the model in DistributedDataParallel(..., find_unused_parameters=True)
    before build(): DDP reduces only the parameters that required grad when it wrapped."""

    def __init__(self, optimizers, schedules, names, frozen_until):
        super().__init__(optimizers, schedules, names)
        self._frozen_until = frozen_until
        self.epoch = 0  # epochs closed by epoch_end()
        self._switch()

    def _switch(self):
        for tensor, first in self._frozen_until:
            tensor.requires_grad_(self.epoch >= first)

    def epoch_end(self, metric=None):
        super().epoch_end(metric)
        self.epoch += 1
        self._switch()

    def state_dict(self):
        return {**super().state_dict(), "epoch": self.epoch}

    def load_state_dict(self, state_dict, strict=True):
        report = super().load_state_dict(state_dict, strict)
        self.epoch = state_dict.get("epoch", 0)
        self._switch()
        return report
"""#

    static let check = #"""
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
"""#

    static let stateByName = #"""
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
"""#
}
