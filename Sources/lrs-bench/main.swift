// Benchmarks live here; see bench/README.md.
print("lrs-bench: no benchmarks yet")
