import LRSRuntime
enum AdafactorUpdate {
    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState { ParameterState() }
}
extension Optimizer { func stepAdafactor() { } }
