import Foundation
import Testing
import LRSLayers
@testable import LRSRuntime

/// The copies of a `repeat` share their gradient buffers by parity: gradients must be those of
/// the same model written out as nested sequences (which share nothing).
@Suite struct SharedGradientTests {
    /// Input and parameter gradients of `items` on a fixed batch and output gradient.
    private static func gradients(_ items: [(name: String, spec: LayerSpec)], inputShape: [Int]) -> [[Float]] {
        let model = Sequential(layers: items, inputShape: inputShape, generator: RandomGenerator(seed: 5))
        let x = Tensor(zeros: [3] + inputShape)
        RandomGenerator(seed: 6).fillNormal(x)
        let y = model.forward(x)
        let dy = model.outputGradient(batch: 3)
        #expect(dy.count == y.count)
        RandomGenerator(seed: 7).fillNormal(dy)
        model.zeroGrad()
        let dx = model.backward(dy, computeInputGradient: true)
        return [dx?.values ?? []] + model.parameters.map(\.parameter.grad.values)
    }

    /// A repeat of `body` against the same copies as a sequence of sequences.
    private static func expectSameAsWrittenOut(_ body: [NamedLayer], count: Int, inputShape: [Int]) {
        let repeated = gradients([("r", .repeat(count: count, body: body))], inputShape: inputShape)
        let copies = (0..<count).map { NamedLayer("\($0)", .sequence(body)) }
        let written = gradients([("r", .sequence(copies))], inputShape: inputShape)
        #expect(repeated.count == written.count)
        for (a, b) in zip(repeated, written) { #expect(a == b) }
    }

    /// The set a `repeat`'s copy is built with is that thread's only: a model built on
    /// another thread meanwhile (as parallel tests build them) takes no buffers from it. With
    /// one process-wide active set, it did, and two models shared gradient buffers.
    @Test func theActiveSetIsTheBuildingThreadsOnly() {
        let set = SharedGradients()
        let seen = UncheckedSendable(UnsafeMutablePointer<Bool>.allocate(capacity: 2))
        defer { seen.value.deallocate() }
        set.building {
            seen.value[0] = SharedGradients.active === set
            let done = DispatchSemaphore(value: 0)
            Thread {
                seen.value[1] = SharedGradients.active != nil
                done.signal()
            }.start()
            done.wait()
        }
        #expect(seen.value[0], "the building thread sees its set")
        #expect(!seen.value[1], "another thread sees the building thread's set")
        #expect(SharedGradients.active == nil)
    }

    @Test func gptBlocksSharingBuffersGiveTheGradientsOfSeparateBlocks() {
        let width = 8
        let block: [NamedLayer] = [
            NamedLayer("0", .residual(body: [NamedLayer("ln1", .layernorm(features: width)),
                                             NamedLayer("attn", .attention(dim: width, heads: 2, causal: true))])),
            NamedLayer("1", .residual(body: [NamedLayer("ln2", .layernorm(features: width)),
                                             NamedLayer("fc", .linear(in: width, out: 2 * width)), NamedLayer("2", .gelu),
                                             NamedLayer("proj", .linear(in: 2 * width, out: width))])),
        ]
        Self.expectSameAsWrittenOut(block, count: 5, inputShape: [4, width])
    }

    /// A copy of one layer receives its gradient in the next copy's input-gradient buffer: with
    /// neighbours sharing, a product would read the buffer it writes.
    @Test func singleLayerCopiesNeverReadTheBufferTheyWrite() {
        Self.expectSameAsWrittenOut([NamedLayer("0", .linear(in: 1024, out: 1024))], count: 3, inputShape: [1024])
        Self.expectSameAsWrittenOut([NamedLayer("0", .residual(body: [NamedLayer("0", .linear(in: 6, out: 6)),
                                                                      NamedLayer("1", .tanh)]))],
                                    count: 3, inputShape: [6])
    }

    @Test func nestedRepeatsShareWithinEachLevel() {
        let inner: [NamedLayer] = [NamedLayer("0", .linear(in: 4, out: 4)), NamedLayer("1", .sigmoid)]
        Self.expectSameAsWrittenOut([NamedLayer("0", .repeat(count: 3, body: inner)), NamedLayer("1", .relu)],
                                    count: 3, inputShape: [4])
    }
}
