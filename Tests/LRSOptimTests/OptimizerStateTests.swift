import LRSOptim
import LRSRuntime
import Testing

/// Saving and restoring optimizer state: a run resumed from exported state continues
/// bit for bit as if it had not stopped.
@Suite struct OptimizerStateTests {
    /// 5 steps, export, import into a fresh optimizer over copies of the parameters, 5 more
    /// steps, against 10 straight steps: identical bits in parameters and state.
    @Test(arguments: OptimizerFixture.names)
    func resumedRunIsBitIdentical(_ name: String) throws {
        let fixture = try OptimizerFixture.load(name)
        let (straight, straightValues) = try fixture.makeOptimizer()
        for step in 0..<10 {
            fixture.prepare(straight, step: step)
            straight.step()
        }

        let (first, firstValues) = try fixture.makeOptimizer()
        for step in 0..<5 {
            fixture.prepare(first, step: step)
            first.step()
        }
        let saved = first.exportState()
        let (resumed, resumedValues) = try fixture.makeOptimizer()
        for (value, source) in zip(resumedValues, firstValues) {
            value.data.update(from: source.data, count: value.count)
        }
        try resumed.importState(saved)
        #expect(resumed.exportState() == saved)
        for step in 5..<10 {
            fixture.prepare(resumed, step: step)
            resumed.step()
        }

        for (got, expected) in zip(resumedValues, straightValues) {
            #expect(got.values.map(\.bitPattern) == expected.values.map(\.bitPattern))
        }
        #expect(resumed.exportState() == straight.exportState())
    }

    @Test func rejectsStateOfTheWrongShapeOrName() throws {
        let value = Tensor(shape: [3], values: [1, 2, 3])
        let group = ParamGroup(config: ParamGroupConfig(kind: .adam, learningRate: 0.1),
                               parameters: [OptimizerParameter(value: value, grad: Tensor(shape: [3], values: [1, 1, 1]))])
        let optimizer = Optimizer(kind: .adam, groups: [group])
        optimizer.step()
        let before = optimizer.exportState()

        #expect(throws: OptimizerStateError.wrongElementCount(index: 0, name: "exp_avg", expected: 3, got: 2)) {
            try optimizer.importState([0: SavedParameterState(tensors: ["exp_avg": [0, 0]], scalars: [:])])
        }
        #expect(throws: OptimizerStateError.unknownStateName(index: 0, name: "sum")) {
            try optimizer.importState([0: SavedParameterState(tensors: ["sum": [0, 0, 0]], scalars: [:])])
        }
        #expect(throws: OptimizerStateError.unknownParameter(index: 1)) {
            try optimizer.importState([1: SavedParameterState(tensors: [:], scalars: ["step": 1])])
        }
        #expect(throws: OptimizerStateError.invalidScalar(index: 0, name: "step", value: 1.5)) {
            try optimizer.importState([0: SavedParameterState(tensors: [:], scalars: ["step": 1.5])])
        }
        #expect(throws: OptimizerStateError.invalidScalar(index: 0, name: "step", value: .infinity)) {
            try optimizer.importState([0: SavedParameterState(tensors: [:], scalars: ["step": .infinity])])
        }
        // A rejected import leaves the state as it was.
        #expect(optimizer.exportState() == before)
    }

    @Test func parametersWithoutGradientGetNoStateAndNoUpdate() {
        let trained = Tensor(shape: [2], values: [1, 2])
        let idle = Tensor(shape: [2], values: [3, 4])
        let group = ParamGroup(config: ParamGroupConfig(kind: .adam, learningRate: 0.1), parameters: [
            OptimizerParameter(value: trained, grad: Tensor(shape: [2], values: [1, -1])),
            OptimizerParameter(value: idle, grad: nil),
        ])
        let optimizer = Optimizer(kind: .adam, groups: [group])
        optimizer.step()
        #expect(Set(optimizer.exportState().keys) == [0])
        #expect(idle.values == [3, 4])
        // Adam's first step moves each element by lr against the gradient's sign.
        #expect(trained.values.map { ($0 * 1000).rounded() / 1000 } == [0.9, 2.1])
    }
}

/// The engine may add groups or parameters after construction; existing state stays.
@Test func addingParametersLaterKeepsExistingState() {
    let first = Tensor(shape: [2], values: [1, 2])
    let optimizer = Optimizer(kind: .adagrad, groups: [ParamGroup(
        config: ParamGroupConfig(kind: .adagrad, learningRate: 0.1),
        parameters: [OptimizerParameter(value: first, grad: Tensor(shape: [2], values: [1, 1]))])])
    optimizer.step()
    let before = optimizer.exportState()[0]
    var config = ParamGroupConfig(kind: .adagrad, learningRate: 0.1)
    config.initialAccumulatorValue = 0.5
    optimizer.groups.append(ParamGroup(config: config, parameters: [
        OptimizerParameter(value: Tensor(shape: [3], values: [0, 0, 0]), grad: nil)]))
    let saved = optimizer.exportState()
    #expect(saved[0] == before)
    #expect(saved[1]?.tensors["sum"] == [0.5, 0.5, 0.5])
    #expect(saved[1]?.scalars["step"] == 0)
}
