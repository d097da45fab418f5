// Benchmarks, run on release builds only: `swift run -c release lrs-bench [runtime|arch|optim|schedule|check|all]`.
// Each suite prints machine-readable lines that the scripts under bench/ put beside
// PyTorch's figures for the same workloads, measured in the same run.
import Foundation

let suite = CommandLine.arguments.dropFirst().first ?? "all"
switch suite {
case "runtime": runRuntimeBench(Array(CommandLine.arguments.dropFirst(2)))
case "arch": runArchitectureBench(Array(CommandLine.arguments.dropFirst(2)))
case "optim": runOptimizerBench(Array(CommandLine.arguments.dropFirst(2)))
case "check": runCheckBench(Array(CommandLine.arguments.dropFirst(2)))
case "schedule": runScheduleBench(Array(CommandLine.arguments.dropFirst(2)))
case "all":
    runRuntimeBench([])
    runOptimizerBench([])
default:
    FileHandle.standardError.write("usage: lrs-bench [runtime|arch|optim|schedule|check|all] [ARGS...]\n".data(using: .utf8)!)
    exit(2)
}
