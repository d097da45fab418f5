"""Real-architecture fixtures for `model from` (issue 14, item 5).

Builds five small models with the real libraries' own classes, so that every parameter
name is the one the real model has (real depths, tiny widths, random initialisation from a
fixed seed, nothing downloaded):

    vit     timm VisionTransformer, 12 blocks, embed dim 8, a class token and 4 register tokens
    resnet  timm resnet50 (stage widths 2-4-8-16), with `layerN.0.downsample.{0,1}` blocks
    bert    transformers BertForSequenceClassification, 12 layers, hidden 16
    gpt2    transformers GPT2LMHeadModel, 12 layers, n_embd 16, lm_head tied to wte
    llama   transformers LlamaForCausalLM, 4 layers, hidden 16, grouped-query attention

and writes, for each, in Tests/Fixtures/models/<model>/:

    model.safetensors   its state_dict (llama also as Hugging Face's sharded layout:
                        model-0000N-of-00002.safetensors + model.safetensors.index.json)
    model.json          the tensors, the named_parameters() order, tied aliases, buffers
    <setup>.json        for each training setup: the parameter groups that the setup's own
                        code computes (timm, transformers, or the rule as its project states
                        it), with every parameter's group and effective hyperparameters
    <setup>.lrs         the lrs script a user would write for that setup (sections 13/14)

Every <setup>.lrs is also resolved here by a small emulation of the contract's group rules
(first matching group wins, `{i}` captures split a group in numeric order, word selectors
are whole name segments, `rest`, `where ndim ...`), and the generator stops if any
parameter's group hyperparameters differ from the library's. So the scripts and the JSON
agree; the emulation is not lrs and is no substitute for testing lrs against the JSON.

Run with a Python that has torch, timm, transformers and safetensors (see README.md):

    python Tests/Fixtures/models/generate.py

The output is deterministic for given library versions.
"""
import importlib.util
import json
import math
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
SEED = 0

# safetensors dtype names, as in the file header.
DTYPE_NAMES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16",
    torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32", torch.bool: "BOOL",
}


# ---------------------------------------------------------------------------------------
# torchvision without its C++ operators
# ---------------------------------------------------------------------------------------

def prepare_torchvision():
    """Lets timm import torchvision when torchvision's C++ operators cannot load.

    timm imports torchvision. PyPI has only CUDA builds of torchvision for Linux, and
    their `_C` extension does not load next to the CPU wheel of torch; torchvision then
    fails on import, registering a fake kernel for `torchvision::nms` (and `qnms`),
    operators that `_C` would have defined. Where `_C` loads, nothing is changed. Where
    it does not, the two schemas are declared (no kernels) so that torchvision's Python
    part imports; no model here uses a torchvision operator, and parameter names do not
    depend on them.
    """
    spec = importlib.util.find_spec("torchvision")
    if spec is None:
        return "absent"
    folder = spec.submodule_search_locations[0]
    extensions = [f for f in os.listdir(folder) if f.startswith("_C.")]
    try:
        torch.ops.load_library(os.path.join(folder, extensions[0]))
        return "with its C++ operators"
    except (OSError, IndexError):
        library = torch.library.Library("torchvision", "DEF")
        library.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        library.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        prepare_torchvision.library = library  # keep the registration alive
        return "without its C++ operators (Python part only)"


TORCHVISION_STATE = prepare_torchvision()

import safetensors  # noqa: E402
import timm  # noqa: E402
import timm.optim  # noqa: E402
import torchvision  # noqa: E402
import transformers  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from timm.models import group_parameters  # noqa: E402
from transformers import (  # noqa: E402
    BertConfig, BertForSequenceClassification, GPT2Config, GPT2LMHeadModel,
    LlamaConfig, LlamaForCausalLM, Trainer, TrainingArguments,
)

transformers.logging.set_verbosity_error()
transformers.logging.disable_progress_bar()


# ---------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------

@dataclass
class ModelFixture:
    key: str                 # folder name
    model: torch.nn.Module
    dtype: torch.dtype       # floating tensors are stored in this dtype
    constructor: str         # how the model was built, for model.json and the README
    library: str
    tied: dict = field(default_factory=dict)   # alias -> the name named_parameters() keeps
    sharded: bool = False


def build_models():
    """The five models, each built after seeding torch's generator with SEED."""
    models = []

    torch.manual_seed(SEED)
    vit_args = dict(img_size=32, patch_size=8, embed_dim=8, depth=12, num_heads=2,
                    mlp_ratio=2.0, num_classes=10, reg_tokens=4, no_embed_class=True)
    models.append(ModelFixture(
        "vit", timm.create_model("vit_base_patch16_224", pretrained=False, **vit_args),
        torch.float32, f"timm.create_model('vit_base_patch16_224', pretrained=False, "
        f"{kwargs_text(vit_args)})", "timm"))

    torch.manual_seed(SEED)
    resnet_args = dict(channels=(2, 4, 8, 16), num_classes=10)
    models.append(ModelFixture(
        "resnet", timm.create_model("resnet50", pretrained=False, **resnet_args),
        torch.float16, f"timm.create_model('resnet50', pretrained=False, "
        f"{kwargs_text(resnet_args)})", "timm"))

    torch.manual_seed(SEED)
    bert_args = dict(vocab_size=64, hidden_size=16, num_hidden_layers=12,
                     num_attention_heads=2, intermediate_size=32,
                     max_position_embeddings=32, type_vocab_size=2, num_labels=3)
    models.append(ModelFixture(
        "bert", BertForSequenceClassification(BertConfig(**bert_args)), torch.bfloat16,
        f"BertForSequenceClassification(BertConfig({kwargs_text(bert_args)}))",
        "transformers"))

    torch.manual_seed(SEED)
    gpt2_args = dict(vocab_size=64, n_positions=32, n_embd=16, n_layer=12, n_head=2,
                     n_inner=32, bos_token_id=0, eos_token_id=0)
    gpt2 = GPT2LMHeadModel(GPT2Config(**gpt2_args))
    models.append(ModelFixture(
        "gpt2", gpt2, torch.float16,
        f"GPT2LMHeadModel(GPT2Config({kwargs_text(gpt2_args)}))", "transformers",
        tied=tied_aliases(gpt2)))

    torch.manual_seed(SEED)
    llama_args = dict(vocab_size=64, hidden_size=16, intermediate_size=32,
                      num_hidden_layers=4, num_attention_heads=2, num_key_value_heads=1,
                      max_position_embeddings=32, tie_word_embeddings=False)
    models.append(ModelFixture(
        "llama", LlamaForCausalLM(LlamaConfig(**llama_args)), torch.bfloat16,
        f"LlamaForCausalLM(LlamaConfig({kwargs_text(llama_args)}))", "transformers",
        sharded=True))

    for fixture in models:
        fixture.model.eval()
    return models


def kwargs_text(kwargs):
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def tied_aliases(model):
    """Names under which a parameter appears again: {alias: the name it is kept under}.

    named_parameters() yields a shared tensor once, under its first name;
    named_parameters(remove_duplicate=False) also yields the aliases (lm_head.weight).
    """
    first = {}
    aliases = {}
    for name, param in model.named_parameters(remove_duplicate=False):
        if id(param) in first:
            aliases[name] = first[id(param)]
        else:
            first[id(param)] = name
    return aliases


# ---------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------

def checkpoint_tensors(fixture):
    """The state_dict as it is saved: floating tensors in the fixture's dtype, integer
    ones unchanged, tied aliases dropped (as save_pretrained drops them; save_file refuses
    tensors that share memory)."""
    tensors = {}
    for name, tensor in fixture.model.state_dict().items():
        if name in fixture.tied:
            continue
        tensor = tensor.detach().clone().contiguous()
        if tensor.is_floating_point():
            tensor = tensor.to(fixture.dtype)
        tensors[name] = tensor
    return tensors


def write_checkpoints(fixture, folder):
    tensors = checkpoint_tensors(fixture)
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    if fixture.sharded:
        write_sharded(fixture, folder)
    return tensors


def write_sharded(fixture, folder):
    """Hugging Face's sharded layout, written by save_pretrained itself.

    max_shard_size is chosen so that the tensors fall into exactly two shards.
    """
    total = sum(t.numel() * t.element_size() for t in checkpoint_tensors(fixture).values())
    model = fixture.model.to(fixture.dtype)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            model.save_pretrained(tmp, max_shard_size=total * 6 // 10)
            files = sorted(os.listdir(tmp))
            shards = [f for f in files if re.fullmatch(r"model-\d{5}-of-\d{5}\.safetensors", f)]
            if len(shards) != 2 or "model.safetensors.index.json" not in files:
                sys.exit(f"expected two shards and an index, save_pretrained wrote {files}")
            for name in shards + ["model.safetensors.index.json"]:
                shutil.copyfile(os.path.join(tmp, name), folder / name)
    finally:
        fixture.model.to(torch.float32)


def save_pretrained_keys(fixture):
    """The tensor names that transformers' save_pretrained writes, to check that the
    single-file checkpoint drops the same tied aliases."""
    with tempfile.TemporaryDirectory() as tmp:
        fixture.model.save_pretrained(tmp)
        return set(load_file(os.path.join(tmp, "model.safetensors")).keys())


def model_record(fixture, tensors):
    model = fixture.model
    params = dict(model.named_parameters())
    buffers = {n for n, _ in model.named_buffers()}
    record = {
        "model": fixture.key,
        "library": f"{fixture.library} {library_version(fixture.library)}",
        "constructor": fixture.constructor,
        "seed": SEED,
        "checkpoint": "model.safetensors",
        "dtype": DTYPE_NAMES[fixture.dtype],
        "tensors": [
            {"name": name, "shape": list(t.shape), "dtype": DTYPE_NAMES[t.dtype],
             "kind": "parameter" if name in params else "buffer"}
            for name, t in tensors.items()
        ],
        "parameters": list(params),
        "tied": fixture.tied,
        "buffers": [n for n in tensors if n in buffers],
        "non_persistent_buffers": sorted(buffers - set(model.state_dict())),
        "parameter_count": sum(p.numel() for p in params.values()),
    }
    if fixture.sharded:
        record["sharded_index"] = "model.safetensors.index.json"
    return record


def library_version(library):
    return {"timm": timm.__version__, "transformers": transformers.__version__}[library]


# ---------------------------------------------------------------------------------------
# lrs scripts, and an emulation of their group rules
# ---------------------------------------------------------------------------------------

class Selector:
    """A selector of the contract (section 6), rendered as lrs text and matched here.

    match(name, ndim) returns the captures it binds ({} for none), or None."""

    compound = False

    def __and__(self, other):
        return And(self, other)

    def __or__(self, other):
        return Or(self, other)

    def __invert__(self):
        return Not(self)

    def where(self, predicate):
        return Where(self, predicate)

    def operand(self):
        return f"({self.render()})" if self.compound else self.render()


class Glob(Selector):
    def __init__(self, pattern):
        self.pattern = pattern
        regex = ""
        for token in re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\}|\*|\?)", pattern):
            if token == "*":
                regex += ".*"
            elif token == "?":
                regex += "."
            elif token.startswith("{"):
                regex += f"(?P<{token[1:-1]}>[0-9]+)"
            else:
                regex += re.escape(token)
        self.regex = re.compile(regex)

    def render(self):
        return json.dumps(self.pattern)

    def match(self, name, ndim):
        found = self.regex.fullmatch(name)
        return None if found is None else {k: int(v) for k, v in found.groupdict().items()}


class Word(Selector):
    """A word: every parameter whose dotted name has it as a whole segment (section 13)."""

    def __init__(self, word):
        self.word = word

    def render(self):
        return self.word

    def match(self, name, ndim):
        return {} if self.word in name.split(".") else None


class Every(Selector):
    def __init__(self, word):
        self.word = word      # "all" or "rest": every parameter that reaches the group

    def render(self):
        return self.word

    def match(self, name, ndim):
        return {}


class Where(Selector):
    compound = True

    def __init__(self, selector, predicate):
        self.selector, self.predicate = selector, predicate

    def render(self):
        return f"{self.selector.operand()} where {self.predicate}"

    def match(self, name, ndim):
        captures = self.selector.match(name, ndim)
        if captures is None or not evaluate(self.predicate, {"ndim": ndim}):
            return None
        return captures


class And(Selector):
    compound = True

    def __init__(self, left, right):
        self.left, self.right = left, right

    def render(self):
        return f"{self.left.operand()} and {self.right.operand()}"

    def match(self, name, ndim):
        left = self.left.match(name, ndim)
        right = self.right.match(name, ndim) if left is not None else None
        return None if right is None else {**left, **right}


class Or(Selector):
    compound = True

    def __init__(self, left, right):
        self.left, self.right = left, right

    def render(self):
        # `a or b or c` reads without parentheses (or is associative)
        return " or ".join(s.render() if isinstance(s, Or) else s.operand()
                           for s in (self.left, self.right))

    def match(self, name, ndim):
        left = self.left.match(name, ndim)
        return left if left is not None else self.right.match(name, ndim)


class Not(Selector):
    def __init__(self, selector):
        self.selector = selector

    def render(self):
        return f"not {self.selector.operand()}"

    def match(self, name, ndim):
        return {} if self.selector.match(name, ndim) is None else None


def any_of(*selectors):
    result = selectors[0]
    for selector in selectors[1:]:
        result = result | selector
    return result


def globs(*patterns):
    return any_of(*[Glob(p) for p in patterns])


def words(*names):
    return any_of(*[Word(w) for w in names])


ALL, REST = Every("all"), Every("rest")


@dataclass
class Group:
    selector: Selector
    name: str
    values: dict = field(default_factory=dict)   # hyperparameter -> lrs text
    kind: str = None                             # a group's own optimizer kind
    comment: str = ""


@dataclass
class Script:
    header: list                     # comment lines
    model_file: str
    kind: str
    values: dict                     # the optimizer statement's hyperparameters
    groups: list
    lets: list = field(default_factory=list)      # (name, lrs text, comment)
    freeze: Selector = None
    freeze_comment: str = ""

    def render(self):
        lines = [f"# {line}" if line else "#" for line in self.header]
        lines += ["", f'model from "{self.model_file}"']
        for name, text, comment in self.lets:
            lines.append(with_comment(f"let {name} = {text}", comment))
        lines.append(" ".join([f"optimizer {self.kind}"]
                              + [f"{k} {v}" for k, v in self.values.items()]))
        if self.freeze is not None:
            lines.append(with_comment(f"freeze {self.freeze.render()}", self.freeze_comment))
        for group in self.groups:
            parts = [f"group {group.selector.render()}"]
            if group.kind:
                parts.append(f"optimizer {group.kind}")
            parts += [f"{k} {v}" for k, v in group.values.items()]
            parts.append(f"as {group.name}")
            lines.append(with_comment(" ".join(parts), group.comment))
        return "\n".join(lines) + "\n"


def with_comment(line, comment):
    return f"{line}  # {comment}" if comment else line


def evaluate(text, names):
    """An lrs expression of the forms used here: numbers, names, + - * / and ^ (power),
    comparisons."""
    python = text.replace("^", "**")
    if not re.fullmatch(r"[A-Za-z0-9_.+\-*/() <>=!]*", python):
        raise ValueError(f"unexpected expression {text!r}")
    return eval(python, {"__builtins__": {}}, dict(names))  # noqa: S307


def value_of(text, names):
    """A hyperparameter value as written after its name: one expression, two numbers
    (betas), a boolean, or a bare word (adjust_lr_fn)."""
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"[a-z_]+", text) and text not in names:
        return text
    parts = text.split(" ") if re.fullmatch(r"[0-9.e\-]+( [0-9.e\-]+)+", text) else [text]
    values = [float(evaluate(p, names)) for p in parts]
    return values[0] if len(values) == 1 else values


def resolve(script, params):
    """Resolves a script's groups over (name, ndim) pairs as the contract states it: each
    parameter in the first group, in script order, whose selector matches it; a group
    whose selector binds captures split into one group per captured value, named
    NAME.VALUE; frozen parameters in no group. Returns {name: (group, kind, values)}."""
    lets = {}
    for name, text, _ in script.lets:
        lets[name] = evaluate(text, lets)
    frozen = set()
    if script.freeze is not None:
        frozen = {n for n, d in params if script.freeze.match(n, d) is not None}
    result = {}
    for name, ndim in params:
        if name in frozen:
            result[name] = None
            continue
        for group in script.groups:
            captures = group.selector.match(name, ndim)
            if captures is None:
                continue
            kind = group.kind or script.kind
            values = dict(TORCH_DEFAULTS[kind])
            if kind == script.kind:
                values.update({k: value_of(v, lets) for k, v in script.values.items()})
            env = {**lets, **captures}
            values.update({k: value_of(v, env) for k, v in group.values.items()})
            label = ".".join([group.name] + [str(v) for v in captures.values()])
            result[name] = (label, kind, values)
            break
        else:
            sys.exit(f"{name} is in no group of the script")
    return result


# ---------------------------------------------------------------------------------------
# Recording what a setup's own code computes
# ---------------------------------------------------------------------------------------

# The hyperparameters lrs knows for each kind (contract sections 5 and 15).
HYPERPARAMETERS = {
    "sgd": ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"],
    "adam": ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
    "adamw": ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
    "muon": ["lr", "weight_decay", "momentum", "nesterov", "ns_coefficients", "eps",
             "ns_steps", "adjust_lr_fn"],
}
OPTIMIZER_CLASSES = {
    "sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
    "muon": torch.optim.Muon,
}


def kind_of(optimizer):
    for kind, cls in OPTIMIZER_CLASSES.items():
        if type(optimizer) is cls:
            return kind
    raise ValueError(f"unexpected optimizer {type(optimizer).__name__}")


def hyperparameters(kind, group):
    values = {}
    for key in HYPERPARAMETERS[kind]:
        value = group[key]
        if key == "adjust_lr_fn" and value is None:
            value = "original"     # torch's Muon: None means "original"
        if isinstance(value, tuple):
            value = list(value)
        if isinstance(value, torch.Tensor):
            value = value.item()
        values[key] = value
    return values


def torch_defaults():
    probe = [torch.nn.Parameter(torch.zeros(2, 2))]
    return {kind: hyperparameters(kind, cls(probe).defaults)
            for kind, cls in OPTIMIZER_CLASSES.items()}


TORCH_DEFAULTS = torch_defaults()


@dataclass
class Setup:
    key: str
    title: str
    mirrors: str       # the function or code the expectations come from
    source: str        # where the rule is stated
    how: str           # how the expectations were computed, in a sentence or two
    optimizers: list   # [(torch optimizer, [label of each param group])]
    script: Script


def record_setup(fixture, setup, tensors):
    model = fixture.model
    names = {id(p): n for n, p in model.named_parameters()}
    placed = {}
    optimizers = []
    for optimizer, labels in setup.optimizers:
        kind = kind_of(optimizer)
        groups = []
        for label, group in zip(labels, optimizer.param_groups, strict=True):
            values = hyperparameters(kind, group)
            extra = {}
            if "lr_scale" in group:
                # timm's schedulers (and create_optimizer_v2's callers) apply the scale:
                # the rate in force is lr * lr_scale.
                extra = {"lr_scale": group["lr_scale"], "library_lr": group["lr"]}
                values["lr"] = group["lr"] * group["lr_scale"]
            members = [names[id(p)] for p in group["params"]]
            for name in members:
                if name in placed:
                    sys.exit(f"{setup.key}: {name} is in two groups")
                placed[name] = (label, kind, values, extra)
            groups.append({"label": label, "count": len(members), **extra,
                           "hyperparameters": values})
        optimizers.append({"kind": kind, "class": f"torch.optim.{type(optimizer).__name__}",
                           "groups": groups})

    parameters = []
    hyper = {}
    for name, param in model.named_parameters():
        entry = {"name": name, "shape": list(param.shape),
                 "dtype": DTYPE_NAMES[tensors[name].dtype]}
        if name not in placed:
            if param.requires_grad:
                sys.exit(f"{setup.key}: {name} requires grad and is in no group")
            entry.update({"group": None, "frozen": True})
        else:
            label, kind, values, extra = placed[name]
            entry.update({"group": label, "optimizer": kind, "lr": values["lr"],
                          "weight_decay": values["weight_decay"]})
            if "lr_scale" in extra:
                entry["lr_scale"] = extra["lr_scale"]
            hyper[name] = values
        parameters.append(entry)

    check_script(setup, parameters, hyper)
    return {
        "setup": setup.key,
        "title": setup.title,
        "model": fixture.key,
        "checkpoint": setup.script.model_file,
        "script": f"{setup.key}.lrs",
        "mirrors": setup.mirrors,
        "source": setup.source,
        "how": setup.how,
        "optimizers": optimizers,
        "parameters": parameters,
    }


def check_script(setup, parameters, hyper):
    """Resolves the setup's lrs script by the emulation above and compares every
    parameter's kind and hyperparameters with what the library computed."""
    resolved = resolve(setup.script, [(p["name"], len(p["shape"])) for p in parameters])
    for entry in parameters:
        got = resolved[entry["name"]]
        if entry["group"] is None or got is None:
            if not (entry["group"] is None and got is None):
                sys.exit(f"{setup.key}: {entry['name']}: frozen differs")
            continue
        label, kind, values = got
        if kind != entry["optimizer"]:
            sys.exit(f"{setup.key}: {entry['name']}: kind {kind} != {entry['optimizer']}")
        for key, expected in hyper[entry["name"]].items():
            if not same(values[key], expected):
                sys.exit(f"{setup.key}: {entry['name']} ({label}): {key} "
                         f"{values[key]!r} != {expected!r}")
        entry["lrs_group"] = label
    # Each of the script's groups lies within one of the library's groups (a script may
    # split a library group, never merge two).
    within = {}
    for entry in parameters:
        if entry["group"] is not None:
            within.setdefault(entry["lrs_group"], set()).add(entry["group"])
    for label, library_groups in within.items():
        if len(library_groups) != 1:
            sys.exit(f"{setup.key}: the script's group {label} spans {sorted(library_groups)}")


def same(a, b):
    if isinstance(b, list):
        return isinstance(a, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(b, bool) or isinstance(b, str) or isinstance(a, (bool, str)):
        return a == b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


# ---------------------------------------------------------------------------------------
# The setups
# ---------------------------------------------------------------------------------------

def hf_trainer_optimizer(model, **args):
    """The optimizer that transformers' Trainer creates (Trainer.create_optimizer, whose
    groups come from Trainer.get_decay_parameter_names)."""
    with tempfile.TemporaryDirectory() as tmp:
        training_args = TrainingArguments(output_dir=tmp, report_to=[], use_cpu=True, **args)
        trainer = Trainer(model=model, args=training_args)
        optimizer = trainer.create_optimizer()
        decay = trainer.get_decay_parameter_names(model)
    # create_optimizer's two groups: names in get_decay_parameter_names, then the others.
    return optimizer, ["decay", "no_decay"], decay


HF_HEADER = [
    "mirrors transformers' Trainer: Trainer.create_optimizer() groups the parameters by",
    "Trainer.get_decay_parameter_names(model): weight decay for every parameter except",
    "those of nn.LayerNorm modules and those whose lower-cased name contains 'bias',",
    "'layernorm', 'rmsnorm', a segment 'norm' or '_norm' at a segment's end.",
    "TrainingArguments(learning_rate=5e-5, weight_decay=0.01); AdamW betas 0.9 0.999, eps 1e-8.",
]


def setup_hf_no_decay(fixture, no_decay, note):
    optimizer, labels, _ = hf_trainer_optimizer(
        fixture.model, learning_rate=5e-5, weight_decay=0.01)
    script = Script(
        header=[f"{fixture.key}: Hugging Face's no-decay rule", "", *HF_HEADER, *note],
        model_file="model.safetensors", kind="adamw",
        values={"lr": "5e-5", "betas": "0.9 0.999", "eps": "1e-8", "weight_decay": "0.01"},
        groups=[Group(~no_decay, "decay"),
                Group(REST, "no_decay", {"weight_decay": "0"})])
    return Setup(
        "hf_no_decay", "Hugging Face Trainer's weight-decay split",
        "transformers.Trainer.create_optimizer / Trainer.get_decay_parameter_names",
        f"transformers {transformers.__version__}, trainer.py",
        "A real Trainer(model, TrainingArguments(learning_rate=5e-5, weight_decay=0.01, "
        "use_cpu=True)) was built and its create_optimizer() called; each parameter's "
        "group and hyperparameters are read back from the optimizer's param_groups.",
        [(optimizer, labels)], script)


def setup_nanogpt(fixture):
    """nanoGPT's GPT.configure_optimizers (model.py), as it states it:

        # create optim groups. Any parameters that is 2D will be weight decayed, otherwise no.
        # i.e. all weight tensors in matmuls + embeddings decay, all biases and layernorms don't.
        decay_params = [p for n, p in param_dict.items() if p.dim() >= 2]
        nodecay_params = [p for n, p in param_dict.items() if p.dim() < 2]
        optim_groups = [{'params': decay_params, 'weight_decay': weight_decay},
                        {'params': nodecay_params, 'weight_decay': 0.0}]
        optimizer = torch.optim.AdamW(optim_groups, lr=learning_rate, betas=betas, ...)

    with train.py's defaults learning_rate 6e-4, weight_decay 1e-1, betas (0.9, 0.95).
    param_dict holds named_parameters() that require grad (a tied weight once).
    nanoGPT is not a package; this is that rule, line for line.
    """
    params = {n: p for n, p in fixture.model.named_parameters() if p.requires_grad}
    decay_params = [p for n, p in params.items() if p.dim() >= 2]
    nodecay_params = [p for n, p in params.items() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay_params, "weight_decay": 0.1},
         {"params": nodecay_params, "weight_decay": 0.0}],
        lr=6e-4, betas=(0.9, 0.95))
    script = Script(
        header=[f"{fixture.key}: nanoGPT's weight-decay rule",
                "",
                "mirrors nanoGPT's GPT.configure_optimizers (model.py): every parameter with",
                "p.dim() >= 2 (matmul weights, embeddings) decays, the others (biases, norms)",
                "do not; AdamW with train.py's defaults lr 6e-4, weight_decay 0.1,",
                "betas 0.9 0.95."],
        model_file="model.safetensors", kind="adamw",
        values={"lr": "6e-4", "betas": "0.9 0.95"},
        groups=[Group(ALL.where("ndim >= 2"), "decay", {"weight_decay": "0.1"}),
                Group(REST, "nodecay", {"weight_decay": "0"})])
    return Setup(
        "nanogpt", "nanoGPT's dim >= 2 weight-decay rule",
        "nanoGPT GPT.configure_optimizers (model.py)",
        "karpathy/nanoGPT model.py, configure_optimizers; train.py defaults",
        "nanoGPT's rule re-implemented line for line (p.dim() >= 2 decays, else not) over "
        "named_parameters(), then torch.optim.AdamW(groups, lr=6e-4, betas=(0.9, 0.95)); "
        "hyperparameters read back from its param_groups.",
        [(optimizer, ["decay", "nodecay"])], script)


def timm_layer_labels(model, groups):
    """timm's own group names ('layer_%d_%s'), recomputed with timm's group_parameters
    exactly as param_groups_layer_decay computes layer ids."""
    layer_map = group_parameters(model, model.group_matcher(coarse=False), reverse=True)
    layer_max = max(layer_map.values())
    names = {id(p): n for n, p in model.named_parameters()}
    labels = []
    for group in groups:
        name = names[id(group["params"][0])]
        decay = "no_decay" if group["weight_decay"] == 0 else "decay"
        labels.append(f"layer_{layer_map.get(name, layer_max)}_{decay}")
    return labels


def setup_vit_layer_decay(fixture):
    model = fixture.model
    groups = timm.optim.param_groups_layer_decay(
        model, weight_decay=0.05, layer_decay=0.75,
        no_weight_decay_list=model.no_weight_decay())
    labels = timm_layer_labels(model, groups)
    optimizer = torch.optim.AdamW(groups, lr=1e-3, weight_decay=0.05)
    script = Script(
        header=["vit: timm / MAE / BEiT layer-wise learning-rate decay",
                "",
                "mirrors timm.optim.param_groups_layer_decay(model, weight_decay=0.05,",
                "layer_decay=0.75, no_weight_decay_list=model.no_weight_decay()), as",
                "timm's create_optimizer_v2(model, 'adamw', lr=1e-3, weight_decay=0.05,",
                "layer_decay=0.75) calls it. Layer ids come from model.group_matcher():",
                "0 = cls_token, reg_token, pos_embed, patch_embed; i + 1 = blocks.i;",
                "the final norm shares the last block's id (12); head = 13. A layer's",
                "rate is lr * 0.75^(13 - id). No decay for 1-D parameters and for",
                "no_weight_decay() = cls_token, reg_token, pos_embed, dist_token."],
        model_file="model.safetensors", kind="adamw",
        lets=[("base", "1e-3", ""), ("d", "0.75", ""), ("wd", "0.05", "")],
        values={"lr": "base", "weight_decay": "wd"},
        groups=[
            Group(Glob("patch_embed.*").where("ndim >= 2"), "stem_decay",
                  {"lr": "base * d^13"}, comment="layer 0"),
            Group(globs("cls_token", "reg_token", "pos_embed", "patch_embed.*"),
                  "stem_no_decay", {"lr": "base * d^13", "weight_decay": "0"}),
            Group(Glob("blocks.{i}.*").where("ndim >= 2"), "block_decay",
                  {"lr": "base * d^(12 - i)"}, comment="layer i + 1"),
            Group(Glob("blocks.{i}.*"), "block_no_decay",
                  {"lr": "base * d^(12 - i)", "weight_decay": "0"}),
            Group(Glob("norm.*"), "norm", {"lr": "base * d", "weight_decay": "0"},
                  comment="layer 12, with blocks.11"),
            Group(Glob("head.*").where("ndim >= 2"), "head_decay", comment="layer 13"),
            Group(REST, "head_no_decay", {"weight_decay": "0"}),
        ])
    return Setup(
        "timm_layer_decay", "timm/MAE/BEiT layer-wise learning-rate decay",
        "timm.optim.param_groups_layer_decay",
        f"timm {timm.__version__}, timm/optim/_param_groups.py",
        "timm.optim.param_groups_layer_decay(model, weight_decay=0.05, layer_decay=0.75, "
        "no_weight_decay_list=model.no_weight_decay()) gave the groups, each with lr_scale; "
        "torch.optim.AdamW(groups, lr=1e-3, weight_decay=0.05) was built from them. The "
        "rate in force is lr * lr_scale (timm's schedulers multiply by lr_scale): 'lr' is "
        "that product, 'library_lr' and 'lr_scale' its factors. Group labels are timm's "
        "'layer_<id>_<decay|no_decay>', the ids from timm's group_parameters as "
        "param_groups_layer_decay computes them.",
        [(optimizer, labels)], script)


def setup_timm_weight_decay(fixture, kind, lr, weight_decay, extra_values, header):
    model = fixture.model
    optimizer = timm.optim.create_optimizer_v2(model, kind, lr=lr, weight_decay=weight_decay,
                                               **({"momentum": 0.9} if kind == "sgd" else {}))
    labels = ["no_decay" if g["weight_decay"] == 0 else "decay" for g in optimizer.param_groups]
    no_decay = ALL.where("ndim <= 1")
    if hasattr(model, "no_weight_decay"):
        no_decay = globs(*sorted(n for n in model.no_weight_decay()
                                 if n in dict(model.named_parameters()))) | no_decay
    torch_kind = kind_of(optimizer)
    script = Script(
        header=header, model_file="model.safetensors", kind=torch_kind,
        values={"lr": repr(lr), **extra_values},
        groups=[Group(no_decay, "no_decay", {"weight_decay": "0"}),
                Group(REST, "decay", {"weight_decay": repr(weight_decay)})])
    call = (f"timm.optim.create_optimizer_v2(model, '{kind}', lr={lr!r}, "
            f"weight_decay={weight_decay!r}{', momentum=0.9' if kind == 'sgd' else ''})")
    return Setup(
        "timm_weight_decay", "timm's default weight-decay split",
        "timm.optim.param_groups_weight_decay (via timm.optim.create_optimizer_v2)",
        f"timm {timm.__version__}, timm/optim/_param_groups.py and _optim_factory.py",
        f"{call} was called; it groups with param_groups_weight_decay (no decay for "
        "parameters with ndim <= 1, names ending in '.bias', and model.no_weight_decay()); "
        "each parameter's group and hyperparameters are read back from the optimizer.",
        [(optimizer, labels)], script)


def setup_resnet_backbone(fixture):
    """DETR's backbone rate (main.py) and its frozen stem (models/backbone.py):

        param_dicts = [
            {"params": [p for n, p in model.named_parameters()
                        if "backbone" not in n and p.requires_grad]},
            {"params": [p for n, p in model.named_parameters()
                        if "backbone" in n and p.requires_grad],
             "lr": args.lr_backbone},
        ]
        optimizer = torch.optim.AdamW(param_dicts, lr=args.lr, weight_decay=args.weight_decay)

    with lr 1e-4, lr_backbone 1e-5, weight_decay 1e-4, and in the backbone

        if not train_backbone or 'layer2' not in name and 'layer3' not in name
                and 'layer4' not in name:
            parameter.requires_grad_(False)

    Here the ResNet's classifier `fc` is the head and every other parameter is the
    backbone (DETR's `"backbone" in n`). DETR's backbone also swaps BatchNorm2d for
    FrozenBatchNorm2d (whose affine tensors are buffers); this model keeps timm's
    BatchNorm2d, so the BatchNorm weights of layer2-4 train at the backbone's rate.
    """
    model = fixture.model
    frozen = []
    for name, param in model.named_parameters():
        in_backbone = not name.startswith("fc.")
        if in_backbone and "layer2" not in name and "layer3" not in name and "layer4" not in name:
            param.requires_grad_(False)
            frozen.append(name)
    head = [p for n, p in model.named_parameters() if n.startswith("fc.") and p.requires_grad]
    backbone = [p for n, p in model.named_parameters()
                if not n.startswith("fc.") and p.requires_grad]
    optimizer = torch.optim.AdamW([{"params": head}, {"params": backbone, "lr": 1e-5}],
                                  lr=1e-4, weight_decay=1e-4)
    script = Script(
        header=["resnet: a backbone at a tenth of the head's rate (DETR)",
                "",
                "mirrors DETR's main.py param_dicts: the parameters outside the backbone at",
                "args.lr = 1e-4, the backbone's at args.lr_backbone = 1e-5; AdamW with",
                "weight_decay 1e-4. Here the classifier fc is the head, the rest the backbone.",
                "As DETR's models/backbone.py does, only layer2-4 of the backbone train: the",
                "stem (conv1, bn1) and layer1 are frozen. A word would not do: conv1 and bn1",
                "are also segments of layerN.M.conv1 / .bn1, so the globs are anchored."],
        model_file="model.safetensors", kind="adamw",
        lets=[("lr_head", "1e-4", ""), ("lr_backbone", "lr_head / 10", "")],
        values={"lr": "lr_head", "weight_decay": "1e-4"},
        freeze=globs("conv1.*", "bn1.*", "layer1.*"),
        freeze_comment="requires_grad_(False) outside layer2-4",
        groups=[Group(Glob("fc.*"), "head", comment='"backbone" not in n'),
                Group(REST, "backbone", {"lr": "lr_backbone"},
                      comment="downsample.0 (conv) and .1 (BatchNorm) included")])
    setup = Setup(
        "backbone_rate", "DETR-style backbone rate with a frozen stem",
        "DETR main.py param_dicts (lr_backbone) and models/backbone.py (frozen stem)",
        "facebookresearch/detr main.py and models/backbone.py",
        "DETR's rule re-implemented on the timm ResNet (fc = head, the rest = backbone; "
        "parameters outside layer2-4 of the backbone get requires_grad False), then "
        "torch.optim.AdamW([head, {backbone, lr 1e-5}], lr=1e-4, weight_decay=1e-4); "
        "hyperparameters read back from its param_groups. Frozen parameters are in no "
        "group ('frozen': true).",
        [(optimizer, ["head", "backbone"])], script)
    return setup, frozen


def electra_variable_name(name):
    """The ELECTRA (TensorFlow) variable name that a Hugging Face BERT parameter has:
    bert.embeddings.* -> electra/embeddings/*, bert.encoder.layer.N.* ->
    electra/encoder/layer_N/*; the pooler and the classifier are the fine-tuning head,
    which ELECTRA builds under task_specific/."""
    if name.startswith("bert.embeddings."):
        return "electra/embeddings/" + name[len("bert.embeddings."):].replace(".", "/")
    found = re.fullmatch(r"bert\.encoder\.layer\.(\d+)\.(.*)", name)
    if found:
        return f"electra/encoder/layer_{found[1]}/" + found[2].replace(".", "/")
    return "task_specific/" + name.replace(".", "/")


def electra_layer_lrs(learning_rate, layer_decay, n_layers):
    """ELECTRA's _get_layer_lrs (model/optimization.py), verbatim but for style."""
    key_to_depths = {"/embeddings/": 0, "/embeddings_project/": 0,
                     "task_specific/": n_layers + 2}
    for layer in range(n_layers):
        key_to_depths["encoder/layer_" + str(layer) + "/"] = layer + 1
    return {key: learning_rate * (layer_decay ** (n_layers + 2 - depth))
            for key, depth in key_to_depths.items()}


def setup_bert_electra(fixture):
    """ELECTRA's layer-wise learning-rate decay for fine-tuning (google-research/electra,
    model/optimization.py): create_optimizer(..., layerwise_lr_decay_power=0.8,
    n_transformer_layers=12) with _get_layer_lrs giving every variable whose name contains
    a key that key's rate, learning_rate * decay^(n_layers + 2 - depth), and
    AdamWeightDecayOptimizer(weight_decay_rate=0.01, beta_1=0.9, beta_2=0.999,
    epsilon=1e-6, exclude_from_weight_decay=["LayerNorm", "layer_norm", "bias"]).
    ELECTRA's fine-tuning defaults for a base model: learning_rate 1e-4, decay 0.8.
    Each (key, decay) pair becomes one torch.optim.AdamW group, in named_parameters order.
    """
    model = fixture.model
    n_layers = model.config.num_hidden_layers
    layer_lrs = electra_layer_lrs(1e-4, 0.8, n_layers)
    groups = {}
    for name, param in model.named_parameters():
        variable = electra_variable_name(name)
        keys = [key for key in layer_lrs if key in variable]
        if len(keys) != 1:
            sys.exit(f"ELECTRA: {variable} matches {keys}")
        decay = not any(re.search(r, variable) for r in ["LayerNorm", "layer_norm", "bias"])
        label = f"{keys[0]} {'decay' if decay else 'no_decay'}"
        group = groups.setdefault(label, {"params": [], "lr": layer_lrs[keys[0]],
                                          "weight_decay": 0.01 if decay else 0.0})
        group["params"].append(param)
    optimizer = torch.optim.AdamW(list(groups.values()), lr=1e-4, betas=(0.9, 0.999), eps=1e-6)
    no_decay = Glob("*.bias") | Word("LayerNorm")
    script = Script(
        header=["bert: ELECTRA's layer-wise learning-rate decay for fine-tuning",
                "",
                "mirrors google-research/electra model/optimization.py: _get_layer_lrs gives",
                "depth 0 to the embeddings, i + 1 to encoder layer i and n_layers + 2 = 14 to",
                "the task-specific head (here the pooler and the classifier); a variable's",
                "rate is 1e-4 * 0.8^(14 - depth). AdamWeightDecayOptimizer with",
                "weight_decay_rate 0.01, eps 1e-6, and no decay for names containing",
                "LayerNorm, layer_norm or bias."],
        model_file="model.safetensors", kind="adamw",
        lets=[("base", "1e-4", ""), ("d", "0.8", "")],
        values={"lr": "base", "betas": "0.9 0.999", "eps": "1e-6", "weight_decay": "0.01"},
        groups=[
            Group(Glob("bert.embeddings.*") & ~no_decay, "embed_decay",
                  {"lr": "base * d^14"}, comment="depth 0"),
            Group(Glob("bert.embeddings.*"), "embed_no_decay",
                  {"lr": "base * d^14", "weight_decay": "0"}),
            Group(Glob("bert.encoder.layer.{i}.*") & ~no_decay, "layer_decay",
                  {"lr": "base * d^(13 - i)"}, comment="depth i + 1"),
            Group(Glob("bert.encoder.layer.{i}.*"), "layer_no_decay",
                  {"lr": "base * d^(13 - i)", "weight_decay": "0"}),
            Group(globs("bert.pooler.*", "classifier.*") & ~no_decay, "head_decay",
                  comment="task_specific/, depth 14"),
            Group(REST, "head_no_decay", {"weight_decay": "0"}),
        ])
    return Setup(
        "electra_layerwise", "ELECTRA/BERT layer-wise learning-rate decay",
        "ELECTRA model/optimization.py: _get_layer_lrs and AdamWeightDecayOptimizer",
        "google-research/electra model/optimization.py (create_optimizer, _get_layer_lrs, "
        "_do_use_weight_decay); fine-tuning defaults learning_rate 1e-4, "
        "layerwise_lr_decay 0.8, weight_decay_rate 0.01",
        "Each parameter's name was mapped to ELECTRA's variable name (bert.embeddings. -> "
        "electra/embeddings/, bert.encoder.layer.N. -> electra/encoder/layer_N/, the pooler "
        "and classifier -> task_specific/), then ELECTRA's _get_layer_lrs(1e-4, 0.8, 12) "
        "and its exclude_from_weight_decay regexes were applied as ELECTRA applies them (a "
        "key matches when it is a substring of the variable name); one "
        "torch.optim.AdamW(lr=1e-4, betas=(0.9, 0.999), eps=1e-6) group per (key, decay), "
        "read back from its param_groups. Labels are '<ELECTRA key> <decay|no_decay>'.",
        [(optimizer, list(groups))], script)


def setup_gpt2_muon(fixture):
    """modded-nanogpt's Muon/Adam split (the MuonWithAuxAdam example of
    KellerJordan/Muon, from modded-nanogpt's records):

        hidden_matrix_params = [p for n, p in model.blocks.named_parameters()
                                if p.ndim >= 2 and "embed" not in n]
        embed_params = [p for n, p in model.named_parameters() if "embed" in n]
        scalar_params = [p for p in model.parameters() if p.ndim < 2]
        head_params = [model.lm_head.weight]
        adam_groups = [dict(params=head_params, lr=0.22), dict(params=embed_params, lr=0.6),
                       dict(params=scalar_params, lr=0.04)]
        adam_groups = [dict(**g, betas=(0.8, 0.95), eps=1e-10) ...]
        muon_group = dict(params=hidden_matrix_params, lr=0.05, momentum=0.95)

    On Hugging Face's GPT-2: model.blocks is transformer.h, the embeddings are wte and
    wpe, and lm_head.weight is wte.weight (tied), so the head's group would hold the
    embedding a second time (torch refuses that): the tied matrix stays in the embedding
    group. Adam for the rest, torch.optim.Muon (weight_decay 0, as the speedrun's Muon had
    none) for the hidden matrices.
    """
    model = fixture.model
    hidden = [p for n, p in model.transformer.h.named_parameters() if p.ndim >= 2]
    embed = [p for n, p in model.named_parameters() if n in ("transformer.wte.weight",
                                                             "transformer.wpe.weight")]
    scalar = [p for p in model.parameters() if p.ndim < 2]
    adam = torch.optim.Adam([{"params": embed, "lr": 0.6}, {"params": scalar, "lr": 0.04}],
                            betas=(0.8, 0.95), eps=1e-10)
    muon = torch.optim.Muon(hidden, lr=0.05, momentum=0.95, weight_decay=0.0)
    script = Script(
        header=["gpt2: Muon for the hidden matrices, Adam for the rest (modded-nanogpt)",
                "",
                "mirrors modded-nanogpt's split (KellerJordan/Muon's MuonWithAuxAdam example):",
                "Muon(lr 0.05, momentum 0.95) for the 2-D parameters of the blocks",
                "(transformer.h); Adam(betas 0.8 0.95, eps 1e-10) for the embeddings at 0.6",
                "and every parameter with ndim < 2 at 0.04. lm_head.weight is tied to",
                "transformer.wte.weight and takes the embedding rate. Muon's weight_decay is",
                "0, as the speedrun's Muon had none."],
        model_file="model.safetensors", kind="adam",
        values={"betas": "0.8 0.95", "eps": "1e-10"},
        groups=[
            Group(Glob("transformer.h.*").where("ndim >= 2"), "hidden_matrix",
                  {"lr": "0.05", "momentum": "0.95", "weight_decay": "0"}, kind="muon"),
            Group(words("wte", "wpe"), "embed", {"lr": "0.6"}),
            Group(REST, "scalar", {"lr": "0.04"}),
        ])
    return Setup(
        "muon_adamw", "Muon for hidden matrices, Adam for the rest (modded-nanogpt)",
        "modded-nanogpt train_gpt.py optimizer setup (hidden_matrix/embed/scalar params)",
        "KellerJordan/modded-nanogpt records; KellerJordan/Muon README (MuonWithAuxAdam)",
        "The split re-implemented on the Hugging Face module tree (transformer.h = blocks), "
        "then torch.optim.Adam([embed lr 0.6, scalar lr 0.04], betas=(0.8, 0.95), "
        "eps=1e-10) and torch.optim.Muon(hidden, lr=0.05, momentum=0.95, weight_decay=0); "
        "hyperparameters read back from both optimizers' param_groups.",
        [(adam, ["embed", "scalar"]), (muon, ["hidden_matrix"])], script)


def setup_llama_muon(fixture):
    """Moonlight's Muon/AdamW split (MoonshotAI/Moonlight, examples/toy_train.py):

        muon_params = [p for name, p in model.named_parameters()
                       if p.ndim >= 2 and "embed_tokens" not in name and "lm_head" not in name]
        adamw_params = [p for name, p in model.named_parameters()
                        if not (p.ndim >= 2 and "embed_tokens" not in name
                                and "lm_head" not in name)]
        Muon(lr=1e-3, wd=0.1, muon_params=muon_params, adamw_params=adamw_params)

    Moonlight's Muon scales a matrix's rate by 0.2 * sqrt(max(A, B)) (torch's
    adjust_lr_fn="match_rms_adamw"), momentum 0.95, Nesterov, 5 Newton-Schulz steps, and
    runs AdamW(betas (0.9, 0.95), eps 1e-8, the same lr and wd) for the rest.
    """
    model = fixture.model

    def is_muon(name, p):
        return p.ndim >= 2 and "embed_tokens" not in name and "lm_head" not in name

    muon_params = [p for n, p in model.named_parameters() if is_muon(n, p)]
    adamw_params = [p for n, p in model.named_parameters() if not is_muon(n, p)]
    muon = torch.optim.Muon(muon_params, lr=1e-3, weight_decay=0.1, momentum=0.95,
                            nesterov=True, ns_steps=5, adjust_lr_fn="match_rms_adamw")
    adamw = torch.optim.AdamW(adamw_params, lr=1e-3, betas=(0.9, 0.95), eps=1e-8,
                              weight_decay=0.1)
    script = Script(
        header=["llama: Muon for the 2-D hidden matrices, AdamW for the rest (Moonlight)",
                "",
                "mirrors MoonshotAI/Moonlight examples/toy_train.py: muon_params are the",
                "parameters with ndim >= 2 whose names contain neither embed_tokens nor",
                "lm_head; Muon(lr=1e-3, wd=0.1) with Moonlight's 0.2 * sqrt(max(A, B)) rate",
                "adjustment (torch's adjust_lr_fn match_rms_adamw); AdamW betas 0.9 0.95",
                "for the rest. Read from the sharded checkpoint (Hugging Face's layout)."],
        model_file="model.safetensors.index.json", kind="adamw",
        lets=[("base", "1e-3", ""), ("wd", "0.1", "")],
        values={"lr": "base", "betas": "0.9 0.95", "eps": "1e-8", "weight_decay": "wd"},
        groups=[
            Group(ALL.where("ndim >= 2") & ~words("embed_tokens", "lm_head"), "muon",
                  {"lr": "base", "weight_decay": "wd", "momentum": "0.95", "nesterov": "true",
                   "ns_steps": "5", "adjust_lr_fn": "match_rms_adamw"}, kind="muon"),
            Group(REST, "adamw"),
        ])
    return Setup(
        "muon_adamw", "Muon for hidden matrices, AdamW for the rest (Moonlight)",
        "Moonlight examples/toy_train.py get_optimizer('muon') parameter split",
        "MoonshotAI/Moonlight examples/toy_train.py",
        "Moonlight's split re-implemented line for line, then torch.optim.Muon(muon_params, "
        "lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_steps=5, "
        "adjust_lr_fn='match_rms_adamw') and torch.optim.AdamW(adamw_params, lr=1e-3, "
        "betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1); hyperparameters read back from "
        "both optimizers' param_groups.",
        [(muon, ["muon"]), (adamw, ["adamw"])], script)


VIT_WEIGHT_DECAY_HEADER = [
    "vit: timm's default weight-decay split",
    "",
    "mirrors timm.optim.create_optimizer_v2(model, 'adamw', lr=1e-3,",
    "weight_decay=0.05), which groups with param_groups_weight_decay: no decay",
    "for parameters with ndim <= 1 (or named *.bias) and for",
    "model.no_weight_decay() (cls_token, reg_token, pos_embed, dist_token).",
]
RESNET_WEIGHT_DECAY_HEADER = [
    "resnet: timm's default weight-decay split",
    "",
    "mirrors timm.optim.create_optimizer_v2(model, 'sgd', lr=0.1, momentum=0.9,",
    "weight_decay=1e-4): timm's 'sgd' is SGD with Nesterov momentum, grouped by",
    "param_groups_weight_decay (no decay for ndim <= 1 or *.bias). This takes",
    "the BatchNorm of every downsample (layerN.0.downsample.1) that a rule by",
    'name such as "bn" would miss.',
]


def setups_for(fixture):
    """The setups of a model, as functions that build one setup each and return it with
    the names it froze. The caller builds them one at a time and unfreezes what a setup
    froze before building the next."""
    def unfrozen(make):
        return lambda: (make(), [])

    key = fixture.key
    if key == "vit":
        return [
            unfrozen(lambda: setup_vit_layer_decay(fixture)),
            unfrozen(lambda: setup_timm_weight_decay(fixture, "adamw", 1e-3, 0.05, {},
                                                     VIT_WEIGHT_DECAY_HEADER)),
        ]
    if key == "resnet":
        return [
            lambda: setup_resnet_backbone(fixture),
            unfrozen(lambda: setup_timm_weight_decay(
                fixture, "sgd", 0.1, 1e-4, {"momentum": "0.9", "nesterov": "true"},
                RESNET_WEIGHT_DECAY_HEADER)),
        ]
    if key == "bert":
        no_decay = Glob("*.bias") | Word("LayerNorm")
        note = ["BERT's norms are the LayerNorm modules (segment LayerNorm)."]
        return [
            unfrozen(lambda: setup_hf_no_decay(fixture, no_decay, note)),
            unfrozen(lambda: setup_bert_electra(fixture)),
        ]
    if key == "gpt2":
        no_decay = Glob("*.bias") | words("ln_1", "ln_2", "ln_f")
        note = ["GPT-2's norms are the nn.LayerNorm modules ln_1, ln_2, ln_f,",
                "excluded by type: their names contain no 'norm'."]
        return [
            unfrozen(lambda: setup_nanogpt(fixture)),
            unfrozen(lambda: setup_hf_no_decay(fixture, no_decay, note)),
            unfrozen(lambda: setup_gpt2_muon(fixture)),
        ]
    if key == "llama":
        no_decay = words("input_layernorm", "post_attention_layernorm", "norm")
        note = ["Llama's norms are LlamaRMSNorm modules (not nn.LayerNorm),",
                "excluded by name: *layernorm and the final model.norm."]
        return [
            unfrozen(lambda: setup_hf_no_decay(fixture, no_decay, note)),
            unfrozen(lambda: setup_llama_muon(fixture)),
        ]
    raise ValueError(key)


# ---------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------

def verify(fixture, folder, record):
    """Re-loads the written checkpoint(s) and checks names, shapes and dtypes against the
    live model: every named parameter and persistent buffer, nothing else, tied aliases
    restorable; the sharded index covers the same tensors."""
    model = fixture.model
    state = model.state_dict()
    expected = {n: tuple(t.shape) for n, t in state.items() if n not in fixture.tied}
    loaded = load_file(str(folder / "model.safetensors"))
    got = {n: tuple(t.shape) for n, t in loaded.items()}
    if got != expected:
        sys.exit(f"{fixture.key}: checkpoint names/shapes differ from the state_dict")
    names = {n for n, _ in model.named_parameters()} | set(record["buffers"])
    if names != set(loaded):
        sys.exit(f"{fixture.key}: checkpoint != named_parameters + persistent buffers")
    for name, tensor in loaded.items():
        want = fixture.dtype if state[name].is_floating_point() else state[name].dtype
        if tensor.dtype != want:
            sys.exit(f"{fixture.key}: {name} has dtype {tensor.dtype}, not {want}")
    # A fresh copy of the model loads it strictly once the aliases are restored.
    restored = {n: t.float() if t.is_floating_point() else t for n, t in loaded.items()}
    for alias, kept in fixture.tied.items():
        restored[alias] = restored[kept]
    model.load_state_dict(restored, strict=True)
    if fixture.library == "transformers" and save_pretrained_keys(fixture) != set(loaded):
        sys.exit(f"{fixture.key}: save_pretrained writes other names than model.safetensors")
    if fixture.sharded:
        index = json.loads((folder / "model.safetensors.index.json").read_text())
        sharded = {}
        for shard in sorted(set(index["weight_map"].values())):
            for name, tensor in load_file(str(folder / shard)).items():
                if index["weight_map"].get(name) != shard or name in sharded:
                    sys.exit(f"{fixture.key}: {name} misplaced in the sharded index")
                sharded[name] = tensor
        if {n: tuple(t.shape) for n, t in sharded.items()} != expected:
            sys.exit(f"{fixture.key}: the shards do not hold the state_dict")
        for name, tensor in sharded.items():
            if not torch.equal(tensor, loaded[name]):
                sys.exit(f"{fixture.key}: {name} differs between the two checkpoints")


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------

def write_json(path, data):
    path.write_text(to_json(data) + "\n")


# Lists whose elements are written one per line, each on a single line.
ROW_LISTS = {"tensors", "parameters"}


def to_json(value, indent=0, rows=False):
    """JSON with short containers on one line and the rows of ROW_LISTS one per line."""
    flat = json.dumps(value)
    if rows or len(flat) <= 120 or not isinstance(value, (dict, list)):
        return flat
    pad = " " * (indent + 1)
    if isinstance(value, list):
        items = [to_json(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(pad + i for i in items) + "\n" + " " * indent + "]"
    items = [f"{json.dumps(k)}: " + (
        "[\n" + ",\n".join(pad + " " + to_json(r, rows=True) for r in v) + "\n" + pad + "]"
        if k in ROW_LISTS and isinstance(v, list) and v else to_json(v, indent + 1))
        for k, v in value.items()]
    return "{\n" + ",\n".join(pad + i for i in items) + "\n" + " " * indent + "}"


def main():
    versions = {"python": sys.version.split()[0], "torch": torch.__version__,
                "timm": timm.__version__, "transformers": transformers.__version__,
                "safetensors": safetensors.__version__,
                "torchvision": f"{torchvision.__version__}, {TORCHVISION_STATE}"}
    print("versions:", ", ".join(f"{k} {v}" for k, v in versions.items()))
    summary = []
    for fixture in build_models():
        folder = HERE / fixture.key
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        tensors = write_checkpoints(fixture, folder)
        record = model_record(fixture, tensors)
        record["versions"] = versions
        verify(fixture, folder, record)
        write_json(folder / "model.json", record)
        setups = []
        for make in setups_for(fixture):
            setup, frozen = make()
            data = record_setup(fixture, setup, tensors)
            write_json(folder / f"{setup.key}.json", data)
            (folder / f"{setup.key}.lrs").write_text(setup.script.render())
            for name in frozen:
                dict(fixture.model.named_parameters())[name].requires_grad_(True)
            setups.append(setup.key)
        size = (folder / "model.safetensors").stat().st_size
        summary.append((fixture.key, len(tensors), record["parameter_count"], size, setups))
    for key, count, params, size, setups in summary:
        print(f"{key:7} {count:4} tensors {params:7} parameters {size:7} bytes  "
              f"setups: {', '.join(setups)}")


if __name__ == "__main__":
    main()
