import LRSHyperparameters
@testable import LRSOptim
import LRSRuntime
import Testing

/// The kinds of issue 15 (muon, adafactor, asgd, rprop) beyond the shared reference and
/// resume tests: exactness, Muon's matrices-only rule, and their state's names and shapes.
@Suite struct NewOptimizerKindTests {
    /// ASGD, Rprop and Adafactor round where torch rounds in every operation, reductions
    /// included, with explicit fused multiply-adds, so they reach torch's bits on any CPU.
    /// (Muon's products go through oneDNN or OpenBLAS, whose summation orders depend on the
    /// CPU's kernels; its cases hold to the shared 8-ulp tolerance.)
    @Test(arguments: OptimizerFixture.names.filter { ["adafactor", "asgd", "rprop"].contains(where: $0.hasPrefix) })
    func matchesPyTorchBitForBit(_ name: String) throws {
        let fixture = try OptimizerFixture.load(name)
        let (optimizer, values) = try fixture.run()
        for (index, value) in values.enumerated() {
            #expect(value.values.map(\.bitPattern) == fixture.final[index].map(\.bitPattern), "\(name): parameter \(index)")
        }
        let saved = optimizer.exportState()
        for (key, entries) in fixture.state {
            for (stateName, expected) in entries {
                switch expected {
                case .scalar(let number): #expect(saved[Int(key)!]?.scalars[stateName] == number)
                case .tensor(let values):
                    #expect(saved[Int(key)!]?.tensors[stateName]?.map(\.bitPattern) == values.map(\.bitPattern),
                            "\(name): \(stateName) of \(key)")
                }
            }
        }
    }

    /// Muon's Newton-Schulz iteration with bfloat16 products through oneDNN and with float32
    /// products through OpenBLAS multiplies the same bfloat16 values, in another order: the
    /// two orthogonalised matrices agree to a few bfloat16 roundings. Sizes that are not
    /// multiples of the 256-row blocks.
    @Test(.enabled(if: OneDNNLibrary.shared != nil,
                   "oneDNN (Debian's libdnnl2) is not installed, or this CPU has no AVX512_BF16 dot products"),
          arguments: [(300, 700), (270, 270)])
    func newtonSchulzAgreesInBfloat16AndFloat32(_ short: Int, _ long: Int) throws {
        let onednn = try #require(OneDNNLibrary.shared)
        let iteration = NewtonSchulz(short: short, long: long, steps: 5, coefficients: (3.4445, -4.7750, 2.0315))
        // X = O / ‖O‖ in bfloat16, as Muon starts it.
        let count = short * long
        var start = (0..<count).map { Float(($0 &* 7919) % 1000) * 1e-3 - 0.5 }
        let norm = start.reduce(0) { $0 + $1 * $1 }.squareRoot()
        start = start.map { Float(bitPattern: (($0 / norm).bitPattern &+ 0x8000) & 0xffff_0000) }
        func orthogonalised(_ bfloat16: Bool) throws -> [Float] {
            let x = UnsafeMutablePointer<Float>.allocate(capacity: count), other = UnsafeMutablePointer<Float>.allocate(capacity: count)
            defer { x.deallocate(); other.deallocate() }
            x.update(from: start, count: count)
            let result: UnsafeMutablePointer<Float>
            if bfloat16 {
                try #require(iteration.inBfloat16(onednn, x, product: other), "oneDNN refused a product")
                result = x
            } else {
                result = iteration.inFloat32(x, other: other)
            }
            return Array(UnsafeBufferPointer(start: result, count: count))
        }
        let inBfloat16 = try orthogonalised(true), inFloat32 = try orthogonalised(false)
        let largest = inFloat32.map(abs).max() ?? 0
        let apart = zip(inBfloat16, inFloat32).map { abs($0 - $1) }.max() ?? 0
        #expect(largest > 0.01)
        // A bfloat16 rounding is 2^-8 of a value: the two agree to a few of those.
        #expect(apart <= largest / 16, "apart \(apart), largest \(largest)")
    }

    @Test func muonTakesMatricesOnly() throws {
        let matrix = OptimizerParameter(value: Tensor(zeros: [3, 4]), grad: nil)
        let bias = OptimizerParameter(value: Tensor(zeros: [4]), grad: nil)
        let conv = OptimizerParameter(value: Tensor(zeros: [2, 1, 3, 3]), grad: nil)
        let config = ParamGroupConfig(kind: .muon, learningRate: 0.02)
        let groups = [ParamGroup(config: config, parameters: [matrix, bias]), ParamGroup(config: config, parameters: [conv])]
        #expect(Optimizer.unsupportedParameters(kind: .muon, groups: groups) == [
            .muonNeedsMatrix(group: 0, parameter: 1, shape: [4]),
            .muonNeedsMatrix(group: 1, parameter: 0, shape: [2, 1, 3, 3]),
        ])
        #expect(throws: OptimizerConfigurationError.muonNeedsMatrix(group: 0, parameter: 1, shape: [4])) {
            _ = try Optimizer(checking: .muon, groups: groups)
        }
        _ = try Optimizer(checking: .muon, groups: [ParamGroup(config: config, parameters: [matrix])])
        // Other kinds take any shape.
        var adamw = groups
        for g in adamw.indices { adamw[g].config = ParamGroupConfig(kind: .adamw, learningRate: 0.001) }
        #expect(Optimizer.unsupportedParameters(kind: .adamw, groups: adamw).isEmpty)
    }

    @Test func defaultsAreTorchs() {
        let muon = ParamGroupConfig(kind: .muon, learningRate: 1e-3)
        #expect(muon.weightDecay == 0.1 && muon.momentum == 0.95 && muon.nesterov && muon.eps == 1e-7)
        #expect(muon.nsCoefficients == SIMD3(3.4445, -4.7750, 2.0315) && muon.nsSteps == 5)
        #expect(muon.adjustLearningRate == .original)
        let adafactor = ParamGroupConfig(kind: .adafactor, learningRate: 1e-2)
        #expect(adafactor.beta2Decay == -0.8 && adafactor.eps1 == nil && adafactor.eps2 == 1e-3)
        #expect(adafactor.clippingThreshold == 1 && adafactor.weightDecay == 0 && !adafactor.maximize)
        let asgd = ParamGroupConfig(kind: .asgd, learningRate: 1e-2)
        #expect(asgd.lambd == 1e-4 && asgd.alpha == 0.75 && asgd.t0 == 1e6 && asgd.weightDecay == 0)
        let rprop = ParamGroupConfig(kind: .rprop, learningRate: 1e-2)
        #expect(rprop.etaMinus == 0.5 && rprop.etaPlus == 1.2 && rprop.stepSizeMin == 1e-6 && rprop.stepSizeMax == 50)
        #expect(MuonLearningRateAdjustment(rawValue: "match_rms_adamw") == .matchRMSAdamW)
    }

    /// Adafactor's factors are shaped [..., rows, 1] and [..., 1, cols]: a saved state is
    /// checked against those sizes, and restored with those shapes.
    @Test func adafactorFactorsHaveTheirOwnShapes() throws {
        let value = Tensor(zeros: [2, 3, 4])
        let optimizer = Optimizer(kind: .adafactor, groups: [ParamGroup(
            config: ParamGroupConfig(kind: .adafactor, learningRate: 0.01),
            parameters: [OptimizerParameter(value: value, grad: Tensor(shape: [2, 3, 4], values: (0..<24).map { Float($0) }))])])
        optimizer.step()
        let saved = try #require(optimizer.exportState()[0])
        #expect(saved.tensors["row_var"]?.count == 6 && saved.tensors["col_var"]?.count == 8)
        #expect(saved.tensors["variance"] == nil && saved.scalars == ["step": 1])
        try optimizer.importState([0: saved])
        #expect(optimizer.exportState()[0] == saved)
        #expect(throws: OptimizerStateError.wrongElementCount(index: 0, name: "row_var", expected: 6, got: 24)) {
            try optimizer.importState([0: SavedParameterState(tensors: ["row_var": Array(repeating: 0, count: 24)], scalars: [:])])
        }
    }

    /// ASGD keeps `eta` and `mu` as float32 scalars beside `step`; Muon keeps no step count.
    @Test func scalarStateNames() throws {
        let asgd = Optimizer(kind: .asgd, groups: [ParamGroup(
            config: ParamGroupConfig(kind: .asgd, learningRate: 0.01),
            parameters: [OptimizerParameter(value: Tensor(zeros: [2]), grad: Tensor(shape: [2], values: [1, -1]))])])
        asgd.step()
        let saved = try #require(asgd.exportState()[0])
        #expect(Set(saved.scalars.keys) == ["step", "eta", "mu"] && Set(saved.tensors.keys) == ["ax"])
        #expect(throws: OptimizerStateError.invalidScalar(index: 0, name: "eta", value: 0.1)) {
            try asgd.importState([0: SavedParameterState(tensors: [:], scalars: ["eta": 0.1])])
        }
        let muon = Optimizer(kind: .muon, groups: [ParamGroup(
            config: ParamGroupConfig(kind: .muon, learningRate: 0.02),
            parameters: [OptimizerParameter(value: Tensor(zeros: [2, 2]), grad: Tensor(shape: [2, 2], values: [1, 2, 3, 4]))])])
        muon.step()
        #expect(muon.exportState()[0].map { Set($0.tensors.keys) } == ["momentum_buffer"])
        #expect(muon.exportState()[0]?.scalars.isEmpty == true)
        #expect(throws: OptimizerStateError.unknownStateName(index: 0, name: "step")) {
            try muon.importState([0: SavedParameterState(tensors: [:], scalars: ["step": 1])])
        }
    }

    /// Muon's symmetric products (SYRK, its upper triangle mirrored in tiles) against GEMM,
    /// over several 64 x 64 tiles and a ragged edge.
    @Test func symmetricProductMatchesGEMM() {
        let n = 150, k = 40
        let a = Tensor(shape: [n, k], values: (0..<(n * k)).map { Float(($0 * 7919) % 1000) / 500 - 1 })
        let viaGEMM = Tensor(zeros: [n, n]), viaSYRK = Tensor(zeros: [n, n])
        for i in 0..<(n * n) { viaGEMM.data[i] = Float(i % 13); viaSYRK.data[i] = Float(i % 13) }
        // A symmetric C, as Muon's B = b A + c A A starts from A.
        for i in 0..<n { for j in 0..<i { viaGEMM.data[i * n + j] = viaGEMM.data[j * n + i]; viaSYRK.data[i * n + j] = viaSYRK.data[j * n + i] } }
        BLAS.gemm(transB: true, m: n, n: n, k: k, alpha: 0.5, a: a.data, b: a.data, beta: -2, c: viaGEMM.data)
        BLAS.syrk(n: n, k: k, alpha: 0.5, a: a.data, beta: -2, c: viaSYRK.data)
        let worst = zip(viaGEMM.values, viaSYRK.values).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4)
        for i in 0..<n { for j in 0..<n { #expect(viaSYRK.data[i * n + j] == viaSYRK.data[j * n + i]) } }
    }
}
