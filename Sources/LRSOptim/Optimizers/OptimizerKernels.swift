import CKernelDispatch

/// Facts about the optimizers' compiled loops, for reports and benchmarks.
public enum OptimizerKernels {
    /// The instruction set the loops run with on this CPU: "avx512", "avx2" or "baseline".
    public static var instructionSet: String { String(cString: lrs_kernel_isa()) }
}
