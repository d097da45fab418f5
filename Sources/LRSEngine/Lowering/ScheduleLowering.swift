import LRSLanguage
import LRSOptim

/// A checked schedule as the optimizer layer's `ScheduleSpec`, every argument explicit.
public enum ScheduleLowering {
    /// - Parameters:
    ///   - perStep: whether the schedule steps per optimizer step (then a lambda's `step` is
    ///     torch's `last_epoch` and `epoch` the completed epochs) or per epoch.
    ///   - stepsPerEpoch: optimizer steps in one epoch, to relate `epoch` and `step`.
    static func spec(_ schedule: CheckedSchedule, perStep: Bool, stepsPerEpoch: Int) -> ScheduleSpec {
        switch schedule {
        case let .sequential(children, milestones, _):
            // Every milestone is a count here: only a checkpoint script's export leaves one open.
            return .sequential(children.map { spec($0, perStep: perStep, stepsPerEpoch: stepsPerEpoch) },
                               milestones: milestones.map { $0.count ?? 0 })
        case let .chained(children, _):
            return .chained(children.map { spec($0, perStep: perStep, stepsPerEpoch: stepsPerEpoch) })
        case let .single(kind, arguments, _):
            let args = Arguments(arguments)
            switch kind {
            case .lambda: return .lambda(function(args.value("lr_lambda"), perStep: perStep, stepsPerEpoch: stepsPerEpoch))
            case .multiplicative:
                return .multiplicative(function(args.value("lr_lambda"), perStep: perStep, stepsPerEpoch: stepsPerEpoch))
            case .step: return .step(stepSize: args.int("step_size"), gamma: args.number("gamma"))
            case .multistep: return .multiStep(milestones: args.ints("milestones"), gamma: args.number("gamma"))
            case .exponential: return .exponential(gamma: args.number("gamma"))
            case .cosine: return .cosine(tMax: args.int("T_max"), etaMin: args.number("eta_min"))
            case .cosine_restarts:
                return .cosineRestarts(t0: args.int("T_0"), tMult: args.int("t_mult"), etaMin: args.number("eta_min"))
            case .linear:
                return .linear(startFactor: args.number("start_factor"), endFactor: args.number("end_factor"),
                               totalIters: args.int("total_iters"))
            case .constant: return .constant(factor: args.number("factor"), totalIters: args.int("total_iters"))
            case .polynomial: return .polynomial(totalIters: args.int("total_iters"), power: args.number("power"))
            case .cyclic:
                let down: Int? = args.isUnset("step_size_down") ? nil : args.int("step_size_down")
                return .cyclic(CyclicOptions(
                    baseLR: args.number("base_lr"), maxLR: args.number("max_lr"), stepSizeUp: args.int("step_size_up"),
                    stepSizeDown: down, mode: CyclicOptions.Mode(rawValue: args.symbol("mode")) ?? .triangular,
                    gamma: args.number("gamma"), momentum: args.momentumCycle()))
            case .onecycle:
                return .oneCycle(OneCycleOptions(
                    maxLR: args.number("max_lr"), totalSteps: args.int("total_steps"), pctStart: args.number("pct_start"),
                    anneal: OneCycleOptions.Anneal(rawValue: args.symbol("anneal_strategy")) ?? .cos,
                    divFactor: args.number("div_factor"), finalDivFactor: args.number("final_div_factor"),
                    threePhase: args.bool("three_phase"), momentum: args.momentumCycle()))
            case .plateau:
                return .plateau(PlateauOptions(
                    mode: PlateauOptions.Mode(rawValue: args.symbol("mode")) ?? .min, factor: args.number("factor"),
                    patience: args.int("patience"), threshold: args.number("threshold"),
                    thresholdMode: PlateauOptions.ThresholdMode(rawValue: args.symbol("threshold_mode")) ?? .rel,
                    cooldown: args.int("cooldown"), minLR: args.number("min_lr"), eps: args.number("eps")))
            case .wsd:
                // A LambdaLR over torch's counter (steps, or epochs when per epoch).
                let wsd = wsdFactor(args)
                return .lambda { wsd.factor($0) }
            }
        }
    }

    /// `wsd`'s arguments, its total as the check resolved it.
    public static func wsdFactor(_ arguments: [ResolvedArgument]) -> WSDFactor { wsdFactor(Arguments(arguments)) }

    private static func wsdFactor(_ args: Arguments) -> WSDFactor {
        WSDFactor(warmup: args.int("warmup"), decay: args.int("decay"), total: args.int(CheckedSchedule.wsdTotal),
                  shape: WSDShape(rawValue: args.symbol("shape")) ?? .linear, minFactor: args.number("min_factor"),
                  warmupFactor: args.number("warmup_factor"))
    }

    /// Whether a schedule (or any part of it) is a plateau, whose rate depends on losses.
    static func dependsOnLoss(_ schedule: CheckedSchedule) -> Bool {
        switch schedule {
        case let .single(kind, _, _): kind == .plateau
        case let .sequential(children, _, _), let .chained(children, _): children.contains(where: dependsOnLoss)
        }
    }

    /// The compiled `lambda`/`multiplicative` expression as a function of torch's `last_epoch`.
    private static func function(_ value: ArgumentValue?, perStep: Bool, stepsPerEpoch: Int) -> ScheduleFunction {
        guard case .expression(let expression)? = value else {
            let constant = value?.number ?? 1
            return { _ in constant }
        }
        let perEpoch = max(stepsPerEpoch, 1)
        // Variables are compiled in the order CheckedSchedule.expressionVariables gives: epoch, step.
        let evaluate = expression.function2()
        if perStep {
            return { last in evaluate(Double(last / perEpoch), Double(last)) }
        }
        return { last in evaluate(Double(last), Double(last * perEpoch)) }
    }

    private struct Arguments {
        let values: [String: ArgumentValue]

        init(_ arguments: [ResolvedArgument]) {
            values = Dictionary(arguments.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        }

        func value(_ name: String) -> ArgumentValue? { values[name] }
        func number(_ name: String) -> Double { values[name]?.number ?? 0 }
        func int(_ name: String) -> Int {
            let x = number(name)
            return x.isFinite && abs(x) < 1e15 ? Int(x) : 0
        }
        func ints(_ name: String) -> [Int] {
            switch values[name] {
            case .integers(let list)?: list
            case .numbers(let list)?: list.map { $0.isFinite && abs($0) < 1e15 ? Int($0) : 0 }
            case let v?: v.number.map { [Int($0)] } ?? []
            case nil: []
            }
        }
        func bool(_ name: String) -> Bool { number(name) != 0 }
        func symbol(_ name: String) -> String {
            if case .symbol(let s)? = values[name] { return s }
            if case .string(let s)? = values[name] { return s }
            return ""
        }
        func isUnset(_ name: String) -> Bool {
            if case .unset? = values[name] { return true }
            return values[name] == nil
        }
        func momentumCycle() -> MomentumCycle? {
            bool("cycle_momentum") ? MomentumCycle(base: number("base_momentum"), max: number("max_momentum")) : nil
        }
    }
}
