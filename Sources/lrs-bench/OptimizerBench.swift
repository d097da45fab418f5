/// The optimizer benchmarks (step throughput against memory bandwidth).
func runOptimizerBench(_ args: [String]) {
    print("optim: no benchmarks yet")
}
