/// The runtime benchmarks (forward, backward, training steps).
func runRuntimeBench(_ args: [String]) {
    print("runtime: no benchmarks yet")
}
