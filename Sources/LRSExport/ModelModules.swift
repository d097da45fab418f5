import LRSFiles
import LRSLanguage
import LRSLayers

/// A model as PyTorch modules: `build_model()` and the classes and functions it calls, for
/// flat models and the nested items of section 12 alike. The state_dict names are the
/// script's (the runtime's `Sequential` names), and modules are constructed in the order
/// lrs initialises their parameters, so `torch.manual_seed(SEED)` then `build_model()`
/// draws lrs's initial weights. A pure function of the items.
public enum ModelModules {
    /// A top-level item: its name, what it is, its per-sample input shape, and the
    /// statement to blame when it cannot be written.
    public struct Item: Sendable {
        public let name: String
        public let spec: LayerSpec
        public let inputShape: [Int]?
        public let range: SourceRange?

        public init(name: String, spec: LayerSpec, inputShape: [Int]?, range: SourceRange? = nil) {
            self.name = name
            self.spec = spec
            self.inputShape = inputShape
            self.range = range
        }
    }

    /// The Python text: the helper classes used, one function per repeated body, and
    /// `build_model()` returning an `nn.Sequential` of the items.
    public static func text(_ items: [Item]) throws(ExportRefusal) -> String {
        var writer = ModuleWriter()
        var entries: [String] = []
        for item in items {
            writer.range = item.range
            let lines = try writer.expression(item.spec, input: item.inputShape, path: [item.name])
            entries += ModuleWriter.entry(lines, name: item.name).map { "        " + $0 }
        }
        var out: [String] = []
        for helper in ModuleClass.allCases where writer.classes.contains(helper) {
            out += helper.definition + ["", ""]
        }
        for function in writer.functions {
            out += function.lines + ["", ""]
        }
        out += ["def build_model():",
                "    \"\"\"The script's model; state_dict names are the script's parameter names.\"\"\"",
                "    return nn.Sequential(OrderedDict(["]
        out += entries
        out.append("    ]))")
        return out.joined(separator: "\n")
    }

}

/// The classes the modules may need beyond `torch.nn`, in the order a program defines them.
enum ModuleClass: CaseIterable {
    case flattenLinear, residual, posEmbed, selfAttention

    var definition: [String] {
        switch self {
        case .flattenLinear:
            return ["class FlattenLinear(nn.Linear):",
                    "    \"\"\"nn.Linear that flattens a multi-dimensional input first, as lrs's `linear`",
                    "    does; its parameters keep the names weight and bias.\"\"\"",
                    "",
                    "    def forward(self, x):",
                    "        return super().forward(x.flatten(1))"]
        case .residual:
            return ["class Residual(nn.Module):",
                    "    \"\"\"lrs's `residual`: body(x) + x, or body(x) + shortcut(x). Built as nn.Sequential",
                    "    is, from modules (named 0, 1, ...) or one OrderedDict of labelled modules; those",
                    "    are its children, and the shortcut (an nn.Sequential) is the child `shortcut`.\"\"\"",
                    "",
                    "    def __init__(self, *body, shortcut=None):",
                    "        super().__init__()",
                    "        if len(body) == 1 and isinstance(body[0], OrderedDict):",
                    "            items = list(body[0].items())",
                    "        else:",
                    "            items = [(str(i), module) for i, module in enumerate(body)]",
                    "        for name, module in items:",
                    "            self.add_module(name, module)",
                    "        self.shortcut = shortcut",
                    "",
                    "    def forward(self, x):",
                    "        y = x",
                    "        for name, module in self.named_children():",
                    "            if name != \"shortcut\":",
                    "                y = module(y)",
                    "        return y + (x if self.shortcut is None else self.shortcut(x))"]
        case .posEmbed:
            return ["class PosEmbed(nn.Module):",
                    "    \"\"\"lrs's `posembed`: a learned vector per position added to [B, T, DIM], T <= LEN;",
                    "    one parameter `weight` [LEN, DIM], initialised N(0, 1) as nn.Embedding's.\"\"\"",
                    "",
                    "    def __init__(self, length, dim):",
                    "        super().__init__()",
                    "        self.weight = nn.Parameter(torch.empty(length, dim))",
                    "        nn.init.normal_(self.weight)",
                    "",
                    "    def forward(self, x):",
                    "        return x + self.weight[:x.shape[1]]"]
        case .selfAttention:
            return ["class SelfAttention(nn.MultiheadAttention):",
                    "    \"\"\"lrs's `attention`: nn.MultiheadAttention over [B, T, DIM] (batch_first) called",
                    "    with query = key = value; when causal, position t attends to positions up to t.\"\"\"",
                    "",
                    "    def __init__(self, dim, heads, causal=False, bias=True, dropout=0.0):",
                    "        super().__init__(dim, heads, dropout=dropout, bias=bias, batch_first=True)",
                    "        self.causal = causal",
                    "",
                    "    def forward(self, x):",
                    "        mask = None",
                    "        if self.causal:",
                    "            t = x.shape[1]",
                    "            mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)",
                    "        return super().forward(x, x, x, attn_mask=mask, need_weights=False)[0]"]
        }
    }
}

/// Writes module expressions; collects the classes and functions they use.
struct ModuleWriter {
    var classes: Set<ModuleClass> = []
    /// One function per distinct repeated body: its name and its lines.
    var functions: [(name: String, lines: [String])] = []
    /// The top-level item being written, blamed for a refusal inside it.
    var range: SourceRange?

    /// An entry of a sequence: `("name", EXPRESSION),` over the expression's lines.
    static func entry(_ lines: [String], name: String?) -> [String] {
        var out = lines
        if let name { out[0] = "(" + PythonText.string(name) + ", " + out[0] }
        out[out.count - 1] += name == nil ? "," : "),"
        return out
    }

    /// Items named by their positions, as `nn.Sequential(A, B)` names them.
    static func positional(_ items: [NamedLayer]) -> Bool {
        items.enumerated().allSatisfy { $0.element.name == String($0.offset) }
    }

    /// The expression building `spec` for per-sample `input` (nil when unknown), as lines:
    /// the first unindented, the rest indented relative to it.
    mutating func expression(_ spec: LayerSpec, input: [Int]?, path: [String]) throws(ExportRefusal) -> [String] {
        switch spec {
        case .sequence(let items):
            return try sequence("nn.Sequential", items, input: input, path: path).lines
        case let .residual(body, shortcut):
            classes.insert(.residual)
            let (bodyLines, _) = try sequence("Residual", body, input: input, path: path)
            guard let shortcut else { return bodyLines }
            let skip = try sequence("nn.Sequential", shortcut, input: input, path: path + ["shortcut"]).lines
            // Residual(A, B, shortcut=...) or Residual(OrderedDict([...]), shortcut=...).
            var lines = ["Residual("]
            if Self.positional(body) {
                lines += bodyLines.dropFirst().dropLast()
            } else {
                lines += ["    OrderedDict(["] + bodyLines.dropFirst().dropLast().map { "    " + $0 } + ["    ]),"]
            }
            lines += Self.entry(["shortcut=" + skip[0]] + skip.dropFirst(), name: nil).map { "    " + $0 }
            return lines + [")"]
        case let .repeat(count, body):
            return try repeated(count, body, input: input, path: path)
        default:
            return [try layer(spec, input: input, path: path)]
        }
    }

    /// `OPEN(items)`: positional items as arguments, labelled ones in an OrderedDict; and
    /// the output shape.
    private mutating func sequence(_ open: String, _ items: [NamedLayer], input: [Int]?,
                                   path: [String]) throws(ExportRefusal) -> (lines: [String], output: [Int]?) {
        let positional = Self.positional(items)
        var lines = [open + (positional ? "(" : "(OrderedDict([")]
        var shape = input
        for item in items {
            let inner = try expression(item.spec, input: shape, path: path + [item.name])
            lines += Self.entry(inner, name: positional ? nil : item.name).map { "    " + $0 }
            shape = shape.flatMap { try? item.spec.outputShape(for: $0).get() }
        }
        lines.append(positional ? ")" : "]))")
        if items.isEmpty { lines = [open + "()"] }
        return (lines, shape)
    }

    /// `repeat N < body >`: an nn.Sequential of N sequences named 0 ... N-1, built one after
    /// another. Copies that see the same input shape are the same text: one function builds
    /// them; copies whose shapes differ are written out.
    private mutating func repeated(_ count: Int, _ body: [NamedLayer], input: [Int]?,
                                   path: [String]) throws(ExportRefusal) -> [String] {
        var copies: [[String]] = []
        var shape = input
        var index = 0
        while index < count {
            let (lines, output) = try sequence("nn.Sequential", body, input: shape, path: path + [String(index)])
            copies.append(lines)
            index += 1
            // The body keeps the shape: every later copy is this one again.
            if output == shape { break }
            shape = output
        }
        if copies.count == 1, let copy = copies.first {
            let name = function(copy, path: path, count: count)
            return ["nn.Sequential(*[\(name)() for _ in range(\(count))])"]
        }
        if let last = copies.last {
            while copies.count < count { copies.append(last) }
        }
        var lines = ["nn.Sequential("]
        for copy in copies { lines += Self.entry(copy, name: nil).map { "    " + $0 } }
        return lines + [")"]
    }

    /// The name of the function returning `copy`, defined once per distinct body text.
    private mutating func function(_ copy: [String], path: [String], count: Int) -> String {
        let body = ["    \"\"\"One of the \(count) copies of `\(path.joined(separator: "."))`: each call builds new parameters.\"\"\"",
                    "    return " + copy[0]] + copy.dropFirst().map { "    " + $0 }
        if let existing = functions.first(where: { $0.lines.dropFirst().elementsEqual(body) }) { return existing.name }
        let stem = path.joined(separator: "_")
        let base = (stem.first?.isNumber == true ? "block_" : "") + stem + "_copy"
        var name = base
        var suffix = 2
        while functions.contains(where: { $0.name == name }) {
            name = base + "_\(suffix)"
            suffix += 1
        }
        functions.append((name, ["def \(name)():"] + body))
        return name
    }

    /// A layer's module, on one line.
    private mutating func layer(_ spec: LayerSpec, input: [Int]?, path: [String]) throws(ExportRefusal) -> String {
        switch spec {
        case let .linear(inFeatures, outFeatures, bias):
            let flattens = input.map { spec.flattensInput($0) } ?? false
            if flattens { classes.insert(.flattenLinear) }
            let cls = flattens ? "FlattenLinear" : "nn.Linear"
            return "\(cls)(\(inFeatures), \(outFeatures)" + (bias ? "" : ", bias=False") + ")"
        case let .conv(inChannels, outChannels, kernel, stride, padding, bias):
            var args = ["\(inChannels)", "\(outChannels)", "\(kernel)"]
            if stride != 1 { args.append("stride=\(stride)") }
            if padding != 0 { args.append("padding=\(padding)") }
            if !bias { args.append("bias=False") }
            return "nn.Conv2d(" + args.joined(separator: ", ") + ")"
        case .relu: return "nn.ReLU()"
        case .tanh: return "nn.Tanh()"
        case .sigmoid: return "nn.Sigmoid()"
        case .gelu: return "nn.GELU()"
        case .silu: return "nn.SiLU()"
        case .flatten: return "nn.Flatten()"
        case let .maxpool(kernel, stride):
            return "nn.MaxPool2d(\(kernel)" + (stride == kernel ? "" : ", stride=\(stride)") + ")"
        case let .avgpool(kernel, stride):
            return "nn.AvgPool2d(\(kernel)" + (stride == kernel ? "" : ", stride=\(stride)") + ")"
        case .globalAvgPool: return "nn.AdaptiveAvgPool2d(1)"
        case .dropout(let p): return "nn.Dropout(\(PythonText.float(p)))"
        case .batchnorm(let features):
            switch input?.count {
            case 1, 2: return "nn.BatchNorm1d(\(features))"
            case 3: return "nn.BatchNorm2d(\(features))"
            default: throw ExportRefusal(.batchNormShape(shape: ShapeText.text(input ?? [])), at: range)
            }
        case .layernorm(let n): return "nn.LayerNorm(\(n))"
        case let .rmsnorm(n, eps): return "nn.RMSNorm(\(n)" + (eps.map { ", eps=" + PythonText.float($0) } ?? "") + ")"
        case let .embedding(count, dim): return "nn.Embedding(\(count), \(dim))"
        case let .posembed(length, dim):
            classes.insert(.posEmbed)
            return "PosEmbed(\(length), \(dim))"
        case let .attention(dim, heads, causal, bias, dropout):
            classes.insert(.selfAttention)
            var args = ["\(dim)", "\(heads)"]
            if causal { args.append("causal=True") }
            if !bias { args.append("bias=False") }
            if dropout != 0 { args.append("dropout=" + PythonText.float(dropout)) }
            return "SelfAttention(" + args.joined(separator: ", ") + ")"
        case .sequence, .residual, .repeat:
            // Containers are written by `expression` (several lines); not reached.
            return try expression(spec, input: input, path: path).joined(separator: " ")
        }
    }
}
