import LRSRuntime
enum MuonUpdate {
    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState { ParameterState() }
}
extension Optimizer { func stepMuon() { } }
