import LRSEngine
import LRSLanguage

// Data: npy, csv and synthetic sources, `split` and `validate`, read as `lrs run` reads them.
extension ProgramWriter {
    var validationStatement: (source: CheckedDataSource?, split: Double?, range: SourceRange)? {
        for statement in script.statements {
            switch statement {
            case .validate(let source): return (source, nil, source.range)
            case .split(let fraction, let range): return (nil, fraction, range)
            default: continue
            }
        }
        return nil
    }

    mutating func dataSection() throws(ExportRefusal) -> String {
        guard let data = script.data, script.train != nil else { return "" }
        var kinds = [data.kind]
        if let other = validationStatement?.source { kinds.append(other.kind) }
        var out: [String] = []
        for kind in DataSourceKind.allCases where kinds.contains(kind) {
            if !out.isEmpty { out += ["", ""] }
            out += loader(kind)
        }
        out += ["", "", "def load_data():",
                "    \"\"\"The training data and the validation data (or None), as tensors.\"\"\""]
        out.append("    # " + origin(data.range))
        out.append("    x, y = " + (try loadCall(data)))
        if script.train?.loss == "mse" {
            out.append("    if y.dtype == torch.int64:")
            out.append("        y = y.float().reshape(len(y), 1)  # `loss mse` on class indices: regress on them")
        }
        switch validationStatement {
        case nil:
            out.append("    return (x, y), None")
        case let (source?, _, _)?:
            out.append("    # " + origin(source.range))
            out.append("    val_x, val_y = " + (try loadCall(source)))
            if script.train?.loss == "mse" {
                out.append("    if val_y.dtype == torch.int64:")
                out.append("        val_y = val_y.float().reshape(len(val_y), 1)")
            }
            out.append("    return (x, y), (val_x, val_y)")
        case let (nil, fraction?, range)?:
            usesMath = true
            out.append("    # " + origin(range) + " (the last samples, in file order)")
            out.append("    n = len(x) - math.floor(len(x) * \(PythonText.float(fraction)) + 0.5)")
            out.append("    return (x[:n], y[:n]), ((x[n:], y[n:]) if n < len(x) else None)")
        default:
            out.append("    return (x, y), None")
        }
        return out.joined(separator: "\n")
    }

    private mutating func loadCall(_ source: CheckedDataSource) throws(ExportRefusal) -> String {
        func option(_ name: String) -> ResolvedArgument? { source.options.first { $0.name == name } }
        switch source.kind {
        case .npy:
            guard source.files.count == 2 else { throw ExportRefusal(.npyNeedsTwoFiles, at: source.range) }
            return "load_npy(\(PythonText.string(source.files[0].written)), \(PythonText.string(source.files[1].written)))"
        case .csv:
            guard let file = source.files.first else { throw ExportRefusal(.csvNeedsFile, at: source.range) }
            var args = [PythonText.string(file.written)]
            if let label = option("label"), !label.isDefault, let text = PythonText.value(label.value) {
                args.append("label=" + text)
            }
            if let header = option("header"), !header.isDefault, let text = PythonText.value(header.value) {
                args.append("header=" + text)
            }
            return "load_csv(" + args.joined(separator: ", ") + ")"
        case .text:
            guard let file = source.files.first, let context = source.context else {
                throw ExportRefusal(.dataSourceNotExported(source.kind.rawValue), at: source.range)
            }
            return "load_text(\(PythonText.string(file.written)), context=\(context))"
        case .synthetic:
            guard script.model.inputShape != nil else {
                throw ExportRefusal(.syntheticNeedsInputShape, at: source.range)
            }
            var args: [String] = []
            for (name, fallback) in [("samples", String(SyntheticSettings.defaultSamples)),
                                     ("classes", String(SyntheticSettings.defaultClasses)),
                                     ("noise", PythonText.number(SyntheticSettings.defaultNoise))] {
                let value = option(name).flatMap { $0.isDefault ? nil : PythonText.value($0.value) } ?? fallback
                args.append("\(name)=\(value)")
            }
            return "synthetic(" + args.joined(separator: ", ") + ")"
        }
    }

    private mutating func loader(_ kind: DataSourceKind) -> [String] {
        switch kind {
        case .npy where takesIds:
            imports.insert("numpy")
            return [
                "def load_npy(x_file, y_file):",
                "    \"\"\"X as token ids for the embedding (int64); Y integer class indices (int64),",
                "    one per sample [N] or one per position [N, T].\"\"\"",
                "    x = torch.from_numpy(np.load(path(x_file)).astype(np.int64))",
                "    return x, torch.from_numpy(np.load(path(y_file)).astype(np.int64))",
            ]
        case .npy:
            imports.insert("numpy")
            return [
                "def load_npy(x_file, y_file):",
                "    \"\"\"X (float32 or float64) as float32; Y integer as class indices (int64), float",
                "    as float32 targets [N, k] (a 1-D Y is one target per sample).\"\"\"",
                "    x = torch.from_numpy(np.load(path(x_file)).astype(np.float32))",
            ] + (npyRowsTakeInputShape ? ["    if x.dim() == 2:", "        x = x.reshape(len(x), *INPUT_SHAPE)"] : []) + [
                "    y = np.load(path(y_file))",
                "    if y.dtype.kind in \"iu\":",
                "        return x, torch.from_numpy(y.astype(np.int64))",
                "    return x, torch.from_numpy(y.astype(np.float32)).reshape(len(y), -1)",
            ]
        case .csv:
            imports.insert("numpy")
            imports.insert("csv")
            let reshape = script.model.inputShape != nil ? ".reshape(len(rows), *INPUT_SHAPE)" : ""
            return [
                "def load_csv(file, label=None, header=None):",
                "    \"\"\"Numeric columns; `label` is a header name or a 0-based column (default the",
                "    last); `header` None guesses (a first row with a non-number is a header). Labels",
                "    that are all whole numbers are class indices, others float targets.\"\"\"",
                "    with open(path(file), encoding=\"utf-8\", newline=\"\") as f:",
                "        lines = [line for line in f.read().splitlines() if line.strip(\" \\t\")]",
                "    rows = [[cell.strip(\" \\t\\r\") for cell in row] for row in csv.reader(lines)]",
                "    if header is None:",
                "        header = any(not is_number(cell) for cell in rows[0])",
                "    names, rows = (rows[0], rows[1:]) if header else (None, rows)",
                "    if label is None:",
                "        label = len(rows[0]) - 1",
                "    elif isinstance(label, str):",
                "        label = names.index(label)",
                "    table = np.array(rows, dtype=np.float64)",
                "    labels = table[:, label]",
                "    x = torch.from_numpy(np.delete(table, label, axis=1).astype(np.float32))\(reshape)",
                "    if np.all((labels == np.round(labels)) & (labels >= 0) & (labels < 1e9)):",
                "        return x, torch.from_numpy(labels.astype(np.int64))",
                "    return x, torch.from_numpy(labels.astype(np.float32)).reshape(len(labels), 1)",
                "",
                "",
                "def is_number(text):",
                "    try:",
                "        float(text)",
                "    except ValueError:",
                "        return False",
                "    return True",
            ]
        case .text:
            imports.insert("numpy")
            return [
                "def load_text(file, context):",
                "    \"\"\"`data text`: the file's bytes as token ids 0-255 (int64); sample i is",
                "    x = bytes[i*T, i*T+T), y = bytes[i*T+1, i*T+T+1), for every i with i*T+T+1 <= length.\"\"\"",
                "    with open(path(file), \"rb\") as f:",
                "        ids = torch.from_numpy(np.frombuffer(f.read(), dtype=np.uint8).astype(np.int64))",
                "    n = (len(ids) - 1) // context",
                "    return ids[:n * context].reshape(n, context), ids[1:n * context + 1].reshape(n, context)",
            ]
        case .synthetic:
            usesMath = true
            return [
                "def synthetic(samples, classes, noise):",
                "    \"\"\"`data synthetic`: noisy copies of one random prototype per class, drawn in double",
                "    precision from a generator of its own seeded with SEED (prototypes, labels, noise).\"\"\"",
                "    g = torch.Generator().manual_seed(SEED)",
                "    size = math.prod(INPUT_SHAPE)",
                "    protos = torch.empty(classes, size, dtype=torch.float64).uniform_(-1, 1, generator=g)",
                "    labels = torch.empty(samples, dtype=torch.float64).uniform_(0, classes, generator=g)",
                "    labels = labels.floor().long().clamp(max=classes - 1)",
                "    draws = torch.empty(samples, size, dtype=torch.float64).uniform_(-1, 1, generator=g)",
                "    x = (protos[labels] + noise * math.sqrt(3) * draws).float()",
                "    return x.reshape(samples, *INPUT_SHAPE), labels",
            ]
        }
    }
}
