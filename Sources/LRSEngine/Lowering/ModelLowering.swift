import LRSLanguage
import LRSRuntime

/// The checked model as the runtime's `Sequential`: the checker describes its layers as the
/// runtime does (`LRSLayers.LayerSpec`), so they pass through unchanged.
public enum ModelLowering {
    /// Builds the model, initialising it from `generator` as PyTorch does after
    /// `torch.manual_seed`. The checker has verified every shape.
    public static func build(_ model: CheckedModel, generator: RandomGenerator, maxBatch: Int = 0) -> Sequential {
        Sequential(layers: model.layers.map { ($0.name, $0.spec) },
                   inputShape: model.inputShape ?? [], generator: generator, maxBatchSize: maxBatch)
    }
}
