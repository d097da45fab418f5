import Foundation
import LRSHyperparameters
import Testing
import TestSupport

/// The one table of defaults (LRSHyperparameters' `OptimizerKind.defaults`) against PyTorch's
/// own: each kind's constructor, read with `inspect.signature`, has every hyperparameter the
/// table lists (AdamW's `decoupled_weight_decay` is its group key, not a constructor argument)
/// with the table's value.
@Suite(.enabled(if: ExportPython.hasTorch,
                "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct HyperparameterDefaultsTorchTests {
    static let signatures = """
        import inspect, json, sys
        import torch.optim
        out = {}
        for name in sys.argv[1:]:
            parameters = inspect.signature(getattr(torch.optim, name).__init__).parameters
            out[name] = {k: p.default for k, p in parameters.items() if k not in ("self", "params")}
        print(json.dumps(out))
        """

    @Test func theTableIsPyTorchs() throws {
        let directory = NSTemporaryDirectory()
        let result = try ExportPython.python(["-c", Self.signatures] + OptimizerKind.allCases.map(\.pytorchName),
                                             in: directory, timeout: 120)
        try #require(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]])
        for kind in OptimizerKind.allCases {
            let torch = try #require(json[kind.pytorchName])
            for entry in kind.defaults {
                let name = entry.hyperparameter.rawValue
                if kind == .adamw && entry.hyperparameter == .decoupledWeightDecay {
                    #expect(torch[name] == nil)
                    #expect(entry.value == .flag(true))
                    continue
                }
                let value = try #require(torch[name], "torch.optim.\(kind.pytorchName) has no '\(name)'")
                #expect(Self.matches(entry.value, value), "\(kind.rawValue) \(name): \(entry.value) vs torch's \(value)")
            }
        }
    }

    /// Whether a table value is torch's default (`None` of `adjust_lr_fn` is "original").
    static func matches(_ ours: HyperparameterValue, _ torch: Any) -> Bool {
        func number(_ any: Any) -> Double? { (any as? NSNumber)?.doubleValue }
        switch ours {
        case .number(let x): return number(torch) == x
        case .wholeNumber(let n): return number(torch) == Double(n)
        case .flag(let on): return (torch as? NSNumber)?.boolValue == on
        case .numbers(let list):
            guard let theirs = torch as? [Any] else { return false }
            return theirs.map(number) == list.map(Optional.some)
        case .optionalNumbers(let list):
            guard let theirs = torch as? [Any] else { return false }
            return theirs.map(number) == list
        case .muonAdjustment(let adjustment):
            return adjustment == .original ? torch is NSNull : (torch as? String) == adjustment.rawValue
        }
    }
}
