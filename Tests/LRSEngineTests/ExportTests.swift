import Foundation
import LRSEngine
import LRSExport
import LRSLanguage
import Testing

/// The PyTorch export as text: what the generator writes for a script, and what it refuses.
/// (Running the programs against PyTorch's own traces is in EndToEndTests/ExportRunTests.)
@Suite struct ExportTests {
    static func export(_ text: String, distributed: Bool = false) throws -> String {
        let source = SourceFile(path: "case.lrs", text: text)
        let outcome = PyTorchExport.check(source)
        let script = try #require(outcome.script, "\(outcome.diagnostics.map(\.message))")
        let resolution = try #require(outcome.resolution)
        return try PyTorchExport.program(script, resolution, options: .init(distributed: distributed, programName: "case.py"))
    }

    static func refusal(_ text: String) throws -> (ExportRefusal, SourceFile) {
        let source = SourceFile(path: "case.lrs", text: text)
        let outcome = PyTorchExport.check(source)
        let script = try #require(outcome.script, "\(outcome.diagnostics.map(\.message))")
        let resolution = try #require(outcome.resolution)
        do {
            _ = try PyTorchExport.program(script, resolution)
        } catch {
            return (error, source)
        }
        Issue.record("exported, expected a refusal")
        throw CancellationError()
    }

    static let seed2 = """
        # seed 2
        model <
          layer1: linear 100 50
          relu
          layer2: linear 50 10
        >
        optimizer adam
        group layer1 lr 0.01
        group layer2 lr 0.001
        schedule layer1 lambda 0.95^epoch
        schedule layer2 lambda 1
        data synthetic samples 64
        train epochs 2 batch 16
        save "out.safetensors"
        """

    @Test func namedGroupsPointBackToTheirLines() throws {
        let program = try Self.export(Self.seed2)
        #expect(program.contains("""
            ADAM_GROUPS = [
                # line 8: group layer1 lr 0.01
                {"name": "layer1", "params": ["layer1.weight", "layer1.bias"], "lr": 0.01},
                # line 9: group layer2 lr 0.001
                {"name": "layer2", "params": ["layer2.weight", "layer2.bias"], "lr": 0.001},
            ]
            """))
        #expect(program.contains("(\"layer1\", nn.Linear(100, 50)),"))
        #expect(program.contains("(\"1\", nn.ReLU()),"))
        #expect(program.contains("        # line 7: optimizer adam\n        torch.optim.Adam(groups(ADAM_GROUPS)),"))
        #expect(!program.contains("FlattenLinear"))
        #expect(program.contains("    # line 14: save \"out.safetensors\"\n    save(model, \"out.safetensors\")"))
    }

    @Test func lambdasPerGroupAreOneLambdaLRWithAFactorEach() throws {
        // Seed 2 as PyTorch users write it: LambdaLR with a list of lambdas.
        let program = try Self.export(Self.seed2)
        #expect(!program.contains("class GroupSchedule(Schedule):"))
        #expect(program.contains("""
                # line 10: schedule layer1 lambda 0.95^epoch
                # line 11: schedule layer2 lambda 1
                # LambdaLR: a factor of each group's initial rate, in group order.
                adam_factors = [
                    lambda epoch: 0.95 ** epoch,  # layer1
                    lambda epoch: 1,  # layer2
                ]
            """))
        #expect(program.contains("Schedule(LambdaLR(adam, adam_factors)),"))
        // A group without a schedule keeps its rate: the factor 1.
        let partly = try Self.export("""
            model < a: linear 4 4; b: linear 4 2 >
            optimizer sgd
            group a lr 0.1
            group b lr 0.2
            schedule b multiplicative 0.9 per step
            """)
        #expect(partly.contains("        lambda step: 1,  # a (no schedule: its rate stays)\n        lambda step: 0.9,  # b"))
        #expect(partly.contains("Schedule(MultiplicativeLR(sgd, sgd_factors), per_step=True),"))
    }

    @Test func differentSchedulesPerGroupGetThrowawayOptimizers() throws {
        let program = try Self.export("""
            model < a: linear 4 4; b: linear 4 2 >
            optimizer sgd
            group a lr 0.1
            group b lr 0.2
            schedule a step 3 gamma 0.5
            schedule b lambda 0.9^epoch
            """)
        #expect(program.contains("class GroupSchedule(Schedule):"))
        #expect(program.contains("""
                # line 5: schedule a step 3 gamma 0.5
                def a_schedule(optimizer):
                    return StepLR(optimizer, step_size=3, gamma=0.5)
            """))
        #expect(program.contains("return LambdaLR(optimizer, lambda epoch: 0.9 ** epoch)"))
        #expect(program.contains("GroupSchedule(sgd, \"a\", a_schedule),"))
        #expect(program.contains("GroupSchedule(sgd, \"b\", b_schedule),"))
    }

    @Test func oneScheduleForEveryGroupIsOneSchedulerOnTheOptimizer() throws {
        let program = try Self.export("""
            input 8
            model < hidden: linear 8 16; relu; out: linear 16 2 >
            optimizer sgd lr 0.1 momentum 0.9
            group hidden lr 0.3
            group out
            schedule all cosine 30 eta_min 1e-4
            """)
        #expect(program.contains("return CosineAnnealingLR(optimizer, T_max=30, eta_min=0.0001)"))
        #expect(program.contains("Schedule(all_schedule(sgd)),"))
        #expect(!program.contains("GroupSchedule"))
        #expect(program.contains("torch.optim.SGD(groups(SGD_GROUPS), lr=0.1, momentum=0.9),"))
        #expect(program.contains("{\"name\": \"out\", \"params\": [\"out.weight\", \"out.bias\"]},"))
    }

    @Test func withoutGroupStatementsOneGroupAllTakesEverything() throws {
        let program = try Self.export("model < linear 4 2 >\n")
        #expect(program.contains("""
            SGD_GROUPS = [
                # no 'group' statement: every parameter in the group 'all'
                {"name": "all", "params": ["0.weight", "0.bias"]},
            ]
            """))
        #expect(program.contains("torch.optim.SGD(groups(SGD_GROUPS)),"))
    }

    @Test func implicitFlattenKeepsTheNames() throws {
        let program = try Self.export("""
            input 3 28 28
            model < conv 3 16 3; relu; linear 10816 10 >
            optimizer adam
            group conv lr 0.01
            group linear lr 0.001
            """)
        #expect(program.contains("class FlattenLinear(nn.Linear):"))
        #expect(program.contains("(\"2\", FlattenLinear(10816, 10)),"))
        #expect(program.contains("(\"0\", nn.Conv2d(3, 16, 3)),"))
    }

    @Test func oneOptimizerPerKindInOrderOfFirstUse() throws {
        let program = try Self.export("""
            input 4
            model < a: linear 4 4; b: linear 4 4; c: linear 4 2 >
            optimizer adamw lr 3e-4 betas 0.8 0.99
            group a
            group b optimizer sgd lr 0.01 momentum 0.9 nesterov true
            group c weight_decay 0
            freeze "c.bias"
            """)
        let adamw = try #require(program.range(of: "torch.optim.AdamW(groups(ADAMW_GROUPS), lr=0.0003, betas=(0.8, 0.99))"))
        let sgd = try #require(program.range(of: "torch.optim.SGD(groups(SGD_GROUPS)),"))
        #expect(adamw.lowerBound < sgd.lowerBound)
        #expect(program.contains("{\"name\": \"b\", \"params\": [\"b.weight\", \"b.bias\"], \"lr\": 0.01, \"momentum\": 0.9, \"nesterov\": True},"))
        #expect(program.contains("{\"name\": \"c\", \"params\": [\"c.weight\"], \"weight_decay\": 0.0},"))
        #expect(program.contains("GROUP_ORDER = [\"a\", \"b\", \"c\"]"))
        #expect(program.contains("FROZEN = [\"c.bias\"]"))
    }

    @Test func whereUsesTheInitialValuesTheProgramStartsFrom() throws {
        // Default init of linear 100 10 is uniform in +-0.1: mean(abs) is about 0.05.
        let program = try Self.export("""
            model < linear 100 10 >
            group "*.weight" where mean(abs(param)) > 0.01 lr 0.0001 as large
            group rest lr 0.1 as others
            """)
        #expect(program.contains("{\"name\": \"large\", \"params\": [\"0.weight\"], \"lr\": 0.0001},"))
        let none = try Self.export("""
            model < linear 100 10 >
            group "*.weight" where mean(abs(param)) > 0.08 lr 0.0001 as large
            group rest lr 0.1 as others
            """)
        #expect(none.contains("{\"name\": \"large\", \"params\": [], \"lr\": 0.0001},"))
    }

    @Test func expressionsKeepTheLanguagesMeaning() throws {
        let program = try Self.export("""
            let base = 2
            model < linear 4 2 >
            schedule all lambda -base^2 + (if epoch % 3 == 0 then 1 else 0.5) * max(1, 2) / (1 + epoch)^0.5
            """)
        #expect(program.contains("lambda epoch: -2 ** 2 + (1 if epoch % 3 == 0 else 0.5) * max(1, 2) / (1 + epoch) ** 0.5"))
        let logic = try Self.export("""
            model < linear 4 2 >
            schedule all lambda (epoch and 1) + (epoch < 2 or epoch > 5) per epoch
            """)
        #expect(logic.contains("lambda epoch: (bool(epoch) and bool(1)) + (epoch < 2 or epoch > 5)"))
        let perStep = try Self.export("""
            model < linear 4 2 >
            schedule all lambda exp(-step / 100) per step
            """)
        #expect(perStep.contains("lambda step: math.exp(-step / 100)"))
        #expect(perStep.contains("per_step=True"))
        #expect(perStep.contains("import math"))
    }

    @Test func sequentialChainedAndCycledSchedules() throws {
        let program = try Self.export("""
            input 32
            model < body: linear 32 64; relu; head: linear 64 4 >
            optimizer sgd lr 0.1 momentum 0.9 nesterov true
            group body
            group head lr 0.05
            schedule body linear start_factor 0.1 total_iters 5 until 5 then cosine_restarts 10 t_mult 2
            schedule head onecycle 0.5 2000 pct_start 0.25 anneal_strategy linear
            """)
        #expect(program.contains("""
                    return SequentialLR(optimizer, [
                        LinearLR(optimizer, start_factor=0.1, total_iters=5),
                        CosineAnnealingWarmRestarts(optimizer, T_0=10, T_mult=2),
                    ], milestones=[5])
            """))
        #expect(program.contains("""
                    return OneCycleLR(
                        optimizer, max_lr=0.5, total_steps=2000, pct_start=0.25, anneal_strategy="linear")
            """))
        #expect(program.contains("GroupSchedule(sgd, \"head\", head_schedule, per_step=True),"))
        #expect(program.contains("for key in (\"lr\", \"momentum\", \"betas\"):"))
    }

    @Test func dataAndSplit() throws {
        let program = try Self.export("""
            seed 7
            input 10
            model < linear 10 3 >
            data synthetic samples 500 classes 3
            split 0.2
            train epochs 3 batch 25 shuffle true
            """)
        #expect(program.contains("SEED = 7"))
        #expect(program.contains("x, y = synthetic(samples=500, classes=3, noise=0.5)"))
        #expect(program.contains("n = len(x) - math.floor(len(x) * 0.2 + 0.5)"))
        #expect(program.contains("SHUFFLE = True"))
        #expect(program.contains("loss_fn = nn.CrossEntropyLoss() if data[1].dtype == torch.int64 else nn.MSELoss()"))
    }

    @Test func distributedProgram() throws {
        let program = try Self.export(Self.seed2, distributed: true)
        #expect(program.contains("dist.init_process_group(\"nccl\" if cuda else \"gloo\")"))
        #expect(program.contains("DistributedSampler(range(len(x)), num_replicas=world, rank=rank, shuffle=False)"))
        #expect(program.contains("dist.all_reduce(sums)"))
        #expect(program.contains("DistributedDataParallel(model"))
        #expect(program.contains("    if rank == 0:\n        save(model, \"out.safetensors\")"))
        #expect(program.contains("if args.trace and rank == 0"))
        let plain = try Self.export(Self.seed2)
        #expect(!plain.contains("dist."))
    }

    @Test func layerNamedLikeAModuleAttributeIsRefused() throws {
        let (refusal, source) = try Self.refusal("""
            model < train: linear 4 2 >
            """)
        #expect(refusal.message.contains("'train'"))
        #expect(refusal.message.contains("torch.nn.Sequential"))
        let range = try #require(refusal.range)
        #expect(source.location(of: range.start).line == 1)
        #expect(source.location(of: range.start).column == 9)
    }

    @Test func perStepLambdaReadingEpochIsRefused() throws {
        let (refusal, source) = try Self.refusal("""
            model < linear 4 2 >
            schedule all lambda 0.9^epoch per step
            """)
        #expect(refusal.message.contains("'epoch' in a per-step schedule"))
        let range = try #require(refusal.range)
        #expect(source.location(of: range.start).line == 2)
    }

}
