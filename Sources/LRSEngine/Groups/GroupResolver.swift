import LRSLanguage

/// Resolves a checked script's groups against its parameters (section 6): first match
/// wins; `freeze` removes parameters from every group; `each layer` / `each param` expand
/// a group; hyperparameter expressions are evaluated per expanded group.
///
/// Initial values are requested only for parameters a `where` predicate reads with `param`,
/// so `lrs check` builds no tensor it does not need.
public struct GroupResolver {
    let script: CheckedScript
    var matcher: SelectorMatcher
    var diagnostics: [Diagnostic] = []
    /// The first schedule statement naming each group (or `all`).
    let schedulesByName: [String: CheckedScheduleStatement]
    /// The same for the `weight_decay` and `momentum` schedules.
    let hyperparameterSchedulesByName: [ScheduledHyperparameter: [String: CheckedScheduleStatement]]

    public init(script: CheckedScript, initialValues: @escaping InitialValueProvider) {
        self.script = script
        var index: [String: CheckedScheduleStatement] = [:]
        index.reserveCapacity(script.schedules.count)
        var others: [ScheduledHyperparameter: [String: CheckedScheduleStatement]] = [:]
        for statement in script.schedules {
            guard statement.hyperparameter == .learningRate else {
                for name in statement.groupNames where others[statement.hyperparameter, default: [:]][name] == nil {
                    others[statement.hyperparameter, default: [:]][name] = statement
                }
                continue
            }
            for name in statement.groupNames where index[name] == nil { index[name] = statement }
        }
        self.schedulesByName = index
        self.hyperparameterSchedulesByName = others
        self.matcher = SelectorMatcher(model: script.model, constants: script.constants, initialValues: initialValues)
    }

    /// Resolves the groups of a checked script.
    public static func resolve(_ script: CheckedScript, initialValues: @escaping InitialValueProvider) -> GroupResolution {
        var resolver = GroupResolver(script: script, initialValues: initialValues)
        return resolver.run()
    }

    mutating func run() -> GroupResolution {
        let model = script.model
        let parameters = model.parameters
        // Per parameter, by position in `parameters` (names are unique): an array read
        // where a dictionary would hash the name for every group.
        // Which freeze took each parameter (the first that matches), for the empty group's note.
        // A freeze `until epoch N` keeps its parameters in their groups: only plain freezes
        // take them out; the first `until` freeze that matches gives the epoch.
        // Without freezes, no walk of the parameters at all (a zip copies each one).
        let noFreezes = script.freezes.isEmpty
        let frozenBy = noFreezes ? []
            : parameters.map { p in script.freezes.firstIndex { $0.untilEpoch == nil && matcher.matches($0.selector, p) } }
        let until: [(name: String, epoch: Int)] = noFreezes ? [] : zip(parameters, frozenBy).compactMap { p, plain in
            guard plain == nil,
                  let epoch = script.freezes.first(where: { $0.untilEpoch != nil && matcher.matches($0.selector, p) })?.untilEpoch
            else { return nil }
            return (p.name, epoch)
        }
        let frozen = frozenBy.map { $0 != nil }
        func isFrozen(_ position: Int) -> Bool { !noFreezes && frozen[position] }
        // The group that took each parameter, or -1: 32 bits, not an optional's 16 bytes.
        var owner = [Int32](repeating: -1, count: parameters.count)
        var resolved: [ResolvedGroup] = []
        resolved.reserveCapacity(script.groups.count)
        if script.hasNoGroups {
            let members = parameters.indices.filter { !isFrozen($0) }
            let sizes = summary(of: members)
            resolved.append(ResolvedGroup(name: "all", baseName: "all", positions: members, modelParameters: parameters,
                                          elementCount: sizes.numel, optimizerKind: script.optimizer.kind,
                                          hyperparameters: script.optimizer.hyperparameters,
                                          schedule: schedule(for: "all", base: "all"), range: model.range,
                                          hyperparameterSchedules: hyperparameterSchedules(for: "all", base: "all")))
        }
        var untaken = parameters.count
        for (index, group) in script.groups.enumerated() {
            // By position: a group of thousands is not a copy of each parameter (four references
            // retained) until `each` or captures need them. Room for every parameter not yet
            // taken: reserved and not used is never touched, where doubling copies each.
            var members: [Int] = []
            members.reserveCapacity(untaken)
            // The earlier groups, by position (names are unique), named only for a warning.
            var takenBy: [Int] = []
            // The first freeze that took a parameter this group selects, asked only while the
            // group is still empty (its warning is the only use).
            var freezeTook: Int?
            // The members' capture values, when the selector captures (section 14).
            var bindings: [[Int?]] = []
            // A parameter an earlier group took is asked about only while this group is empty
            // (for its warning), or when the selector reads values (a predicate whose values are
            // missing is an error wherever it is asked).
            let asksTaken = group.selector.usesPredicate
            let selector = NameSelector(group.selector)
            // Each name read where it lies, for every group of a 10,000-tensor model; a
            // `ParameterInfo` is made only for what the name cannot answer.
            parameters.withNames { names in
                for position in parameters.indices {
                    if owner[position] >= 0, !members.isEmpty, !asksTaken { continue }
                    if !noFreezes, let freeze = frozenBy[position] {
                        if members.isEmpty, freezeTook == nil, selector.matches(names, parameters, position, &matcher) {
                            freezeTook = freeze
                        }
                        continue
                    }
                    var values: [Int?] = []
                    if group.captures.isEmpty {
                        guard selector.matches(names, parameters, position, &matcher) else { continue }
                    } else {
                        guard let bound = matcher.bindings(group.selector, parameters[position], slots: group.captures) else { continue }
                        values = bound
                    }
                    if owner[position] >= 0 {
                        let earlier = Int(owner[position])
                        if !takenBy.contains(earlier) { takenBy.append(earlier) }
                        continue
                    }
                    owner[position] = Int32(index)
                    members.append(position)
                    if !group.captures.isEmpty { bindings.append(values) }
                }
            }
            untaken -= members.count
            if members.isEmpty {
                let condition: DiagnosticCondition = takenBy.isEmpty && freezeTook == nil ? .selectorMatchesNothing(group.name)
                    : .emptyGroup(group.name, takenBy: takenBy.map { script.groups[$0].name }, frozen: freezeTook != nil)
                let notes = freezeTook.map { [Diagnostic.note(.frozenHere, at: script.freezes[$0].range)] } ?? []
                diagnostics.append(.warning(condition, at: group.selector.range, notes: notes))
            }
            if !group.captures.isEmpty {
                split(group, members: members, bindings: bindings, into: &resolved)
            } else {
                expand(group, members: members, into: &resolved)
            }
        }
        for name in matcher.missing {
            diagnostics.append(.error(.predicateSource(name), at: script.groups.first { $0.selector.usesPredicate }?.range))
        }
        if !script.hasNoGroups {
            // By position: a parameter is read (and copied) only when it is left out.
            for position in parameters.indices where !isFrozen(position) && owner[position] < 0 {
                let parameter = parameters[position]
                // A checkpoint's parameter has no layer statement: the `model from` one.
                // Inside blocks, the layer's own text (section 12).
                let range = model.items.first { $0.name == parameter.layerName }?.range
                    ?? model.layers.first { $0.index == parameter.layerIndex }?.range ?? model.range
                diagnostics.append(.error(.unassignedParameter(parameter.name), at: range))
            }
        }
        muonMatricesOnly(resolved)
        let ordered = diagnostics.inSourceOrder()
        var resolution = GroupResolution(groups: resolved, frozen: noFreezes ? [] : zip(parameters, frozen).filter { $0.1 }.map(\.0.name),
                                         diagnostics: ordered)
        resolution.frozenUntil = until
        return resolution
    }

    /// torch.optim.Muon refuses, when built, any parameter that is not 2-D: one error per
    /// group (per `group` statement, for `each` groups), naming each such parameter.
    private mutating func muonMatricesOnly(_ resolved: [ResolvedGroup]) {
        // Most scripts have no Muon group: no table of every parameter's shape for them.
        guard resolved.contains(where: { $0.optimizerKind == .muon }) else { return }
        let parameters = script.model.parameters
        var reported = Set<String>()
        for group in resolved where group.optimizerKind == .muon && !reported.contains(group.baseName) {
            let members = resolved.filter { $0.baseName == group.baseName }.flatMap(\.positions)
            let others = members.filter { parameters.shape($0).count != 2 }
            guard !others.isEmpty else { continue }
            reported.insert(group.baseName)
            let statement = script.groups.first { $0.name == group.baseName }
            diagnostics.append(.error(.muonNeedsMatrices(group: group.baseName, parameters: others.map { parameters[$0].name },
                                                         dimensions: others.map { parameters.shape($0).count }),
                                      at: statement?.selector.range ?? script.optimizer.range ?? group.range))
        }
    }

    /// One group, or one per layer / per parameter for `each`, appended to `resolved`.
    /// `members` are positions in the model's parameters.
    private mutating func expand(_ group: CheckedGroup, members: [Int], into resolved: inout [ResolvedGroup]) {
        let layers = matcher.layerCount
        let parameters = script.model.parameters
        guard let each = group.each, !members.isEmpty else {
            let sizes = summary(of: members)
            let settings = evaluate(group, layer: 0, layers: layers, numel: sizes.numel, ndim: sizes.ndim, label: group.name)
            resolved.append(make(group, name: group.name, members: members, numel: sizes.numel,
                                 settings: settings))
            return
        }
        var parts: [(String, [Int])] = []
        switch each {
        case .param:
            parts = members.map { ("\(group.name).\(parameters[$0].name)", [$0]) }
        case .layer:
            var position: [String: Int] = [:]
            for member in members {
                let name = "\(group.name).\(parameters[member].layerName)"
                if let i = position[name] {
                    parts[i].1.append(member)
                } else {
                    position[name] = parts.count
                    parts.append((name, [member]))
                }
            }
        }
        for (name, list) in parts {
            let sizes = summary(of: list)
            let settings = evaluate(group, layer: parameters[list[0]].parameterLayerIndex, layers: layers,
                                    numel: sizes.numel, ndim: sizes.ndim, label: name)
            resolved.append(make(group, name: name, members: list, numel: sizes.numel, settings: settings))
        }
    }

    /// The total elements and most dimensions of the parameters at `positions`.
    private func summary(of positions: [Int]) -> (numel: Int, ndim: Int) {
        let totals = script.model.parameters.totals(of: positions)
        return (totals.elements, totals.dimensions)
    }

    /// One group per distinct tuple of capture values, in increasing numeric order, named
    /// `NAME.V1.V2` (section 14). An expression that reads a capture a member did not bind
    /// is an error naming that parameter.
    private mutating func split(_ group: CheckedGroup, members: [Int], bindings: [[Int?]],
                                into resolved: inout [ResolvedGroup]) {
        guard !members.isEmpty else {
            // An empty group still has numbers (as an empty `each` group does): captures read 0.
            let settings = group.hyperparameters.map { setting in
                guard case .expression(let compiled) = setting.value else { return setting }
                return HyperparameterSetting(name: setting.name, value: .number(compiled.evaluate([])),
                                             source: setting.source, range: setting.range)
            }
            resolved.append(make(group, name: group.name, members: [], numel: 0, settings: settings))
            return
        }
        var position: [[Int?]: Int] = [:]
        var parts: [(values: [Int?], members: [Int])] = []
        for (member, values) in zip(members, bindings) {
            if let i = position[values] {
                parts[i].members.append(member)
            } else {
                position[values] = parts.count
                parts.append((values, [member]))
            }
        }
        parts.sort { CaptureBinding.precedes($0.values, $1.values) }
        for part in parts {
            let name = CaptureBinding.groupName(group.name, part.values)
            var settings = group.hyperparameters
            for (index, setting) in settings.enumerated() {
                guard case .expression(let compiled) = setting.value else { continue }
                let value = compiled.evaluate(part.values.map { Double($0 ?? 0) })
                if let unbound = group.captures.indices.first(where: {
                    part.values[$0] == nil && compiled.usedVariables.contains(group.captures[$0])
                }) {
                    diagnostics.append(.error(.captureUnbound(group.captures[unbound], parameter: script.model.parameters[part.members[0]].name),
                                              at: setting.range ?? group.range))
                } else if let problem = HyperparameterRules.problem(name: setting.name, value: value) {
                    diagnostics.append(.error(problem, at: setting.range ?? group.range,
                                              notes: [.note(.expandedGroup(name), at: group.range)]))
                }
                settings[index] = HyperparameterSetting(name: setting.name, value: .number(value), source: setting.source,
                                                        range: setting.range)
            }
            let sizes = summary(of: part.members)
            var made = make(group, name: name, members: part.members, numel: sizes.numel, settings: settings)
            made.captures = zip(group.captures, part.values).map { ($0, $1) }
            resolved.append(made)
        }
    }

    private func make(_ group: CheckedGroup, name: String, members: [Int], numel: Int,
                      settings: [HyperparameterSetting]) -> ResolvedGroup {
        ResolvedGroup(name: name, baseName: group.name, positions: members, modelParameters: script.model.parameters,
                      elementCount: numel, optimizerKind: group.optimizerKind,
                      hyperparameters: settings, schedule: schedule(for: name, base: group.name), range: group.range,
                      hyperparameterSchedules: hyperparameterSchedules(for: name, base: group.name))
    }

    /// The `weight_decay` and `momentum` schedules of a group, in that order.
    private func hyperparameterSchedules(for name: String, base: String) -> [CheckedScheduleStatement] {
        [ScheduledHyperparameter.weightDecay, .momentum].compactMap { hyperparameter in
            guard let byName = hyperparameterSchedulesByName[hyperparameter] else { return nil }
            return byName[name] ?? byName[base] ?? byName["all"]
        }
    }

    /// Hyperparameter expressions of `each` groups, evaluated for one expanded group and
    /// checked as PyTorch's constructor would check the number.
    private mutating func evaluate(_ group: CheckedGroup, layer: Int, layers: Int, numel: Int, ndim: Int,
                                   label: String) -> [HyperparameterSetting] {
        // Most groups hold numbers only: share their settings instead of copying them.
        let hasExpressions = group.hyperparameters.contains {
            if case .expression = $0.value { return true }
            return false
        }
        guard hasExpressions else { return group.hyperparameters }
        var settings: [HyperparameterSetting] = []
        settings.reserveCapacity(group.hyperparameters.count)
        for setting in group.hyperparameters {
            guard case .expression(let compiled) = setting.value else {
                settings.append(setting)
                continue
            }
            let value = compiled.evaluate([Double(layer), Double(layers), Double(numel), Double(ndim)])
            if let problem = HyperparameterRules.problem(name: setting.name, value: value) {
                diagnostics.append(.error(problem, at: setting.range ?? group.range,
                                          notes: [.note(.expandedGroup(label), at: group.range)]))
            }
            settings.append(HyperparameterSetting(name: setting.name, value: .number(value), source: setting.source,
                                                  range: setting.range))
        }
        return settings
    }

    /// The schedule statement naming a group, its `each` base name, or `all`.
    private func schedule(for name: String, base: String) -> CheckedScheduleStatement? {
        schedulesByName[name] ?? schedulesByName[base] ?? schedulesByName["all"]
    }
}
