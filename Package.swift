// swift-tools-version:6.0
// lrs: a small language, and its interpreter, for parameter-specific learning rates.
//
// Targets are the layers of the system; arrows point down only:
//   lrs (CLI, REPL) -> LRSExport -> LRSEngine
//   lrs (CLI, REPL) -> LRSEngine -> LRSLanguage -> LRSLayers -> LRSFiles
//                                  LRSLanguage -> LRSHyperparameters
//                              -> LRSOptim -> LRSRuntime -> LRSLayers
//                                             LRSRuntime -> COpenBLAS, CRuntimeKernels -> CKernelDispatch
//                                             LRSRuntime -> CKernelDispatch (is there AVX512_BF16?)
//                                 LRSOptim -> COptimKernels -> CKernelDispatch
//                                 LRSOptim -> LRSHyperparameters
import PackageDescription

// Kernels are measured on release builds; exclusivity checks cost a lot in inner loops.
let kernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "lrs",
    products: [
        .executable(name: "lrs", targets: ["lrs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),

        // Source text, tokens, syntax tree, diagnostics, the checker.
        // The file formats lrs reads and writes (npy, CSV, safetensors, JSON), atomic writes,
        // output-path checks. Foundation only: below the language, which reads headers.
        .target(name: "LRSFiles"),
        // What a layer is (LayerSpec, the nested items of section 12) and the one table of
        // shape rules, for the checker and the runtime alike: no tensors, no language.
        .target(name: "LRSLayers", dependencies: ["LRSFiles"]),
        // The optimizer kinds, their hyperparameters and the one table of PyTorch's defaults,
        // for the checker and the optimizers alike: no language, no tensors.
        .target(name: "LRSHyperparameters"),
        .target(name: "LRSLanguage", dependencies: ["LRSFiles", "LRSLayers", "LRSHyperparameters"]),
        // Tensors, autograd, layers, losses, initialisation, random numbers. Knows no language.
        .target(name: "LRSRuntime", dependencies: ["LRSLayers", "COpenBLAS", "CRuntimeKernels", "CKernelDispatch"],
                swiftSettings: kernelSettings),
        // What both C kernel libraries share: the attribute that compiles a loop for AVX-512,
        // AVX2 and the baseline (the loader picks one), and which one it picks; and whether the
        // CPU has bfloat16 dot products (before LRSRuntime loads oneDNN).
        .target(name: "CKernelDispatch"),
        // The runtime's transcendental and row-wise loops (gelu, softmax, cross-entropy, double
        // sums, im2col, batchnorm, layernorm, direct convolutions) in C, so they vectorise.
        .target(name: "CRuntimeKernels", dependencies: ["CKernelDispatch"],
                cSettings: [.unsafeFlags(["-ffp-contract=off", "-fno-math-errno"])]),
        // The optimizers' inner loops in C, multiversioned (CKernelDispatch); no contraction,
        // so each rounds where torch rounds.
        .target(name: "COptimKernels", dependencies: ["CKernelDispatch"],
                cSettings: [.unsafeFlags(["-ffp-contract=off", "-fno-math-errno"])]),
        // Optimizers and learning-rate schedules over the runtime.
        .target(name: "LRSOptim", dependencies: ["LRSHyperparameters", "LRSRuntime", "COptimKernels"],
                swiftSettings: kernelSettings),
        // Where the language meets the runtime: groups, lowering, data, files, training, export.
        .target(name: "LRSEngine", dependencies: ["LRSFiles", "LRSLayers", "LRSHyperparameters", "LRSLanguage",
                                                  "LRSRuntime", "LRSOptim"]),
        // The PyTorch export: a program, or a build(model) module, from a checked script.
        .target(name: "LRSExport", dependencies: ["LRSEngine", "LRSLanguage", "LRSHyperparameters", "LRSLayers",
                                                  "LRSFiles"]),
        // The command line and the REPL: thin.
        .executableTarget(name: "lrs", dependencies: [
            "LRSEngine", "LRSExport", "LRSFiles", "CReadline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["Link"], linkerSettings: [
            // The Swift runtime and Foundation linked in: no dynamic loading and symbol binding
            // of a dozen shared libraries at each start (`lrs check` is a short process). The
            // archives Foundation's own need are named, and lld resolves them in any order.
            // libstdc++ and readline too, through the linker scripts in Sources/lrs/Link; and a
            // position-dependent executable, which has no 80,000 relocations to apply at each
            // start. Together a millisecond and a half of every `lrs check`.
            .unsafeFlags(["-static-stdlib", "-use-ld=lld", "-l_FoundationICU", "-l_FoundationCShims",
                          "-l_FoundationCollections", "-lCoreFoundation",
                          "-L", Context.packageDirectory + "/Sources/lrs/Link", "-Xlinker", "-no-pie"],
                         .when(configuration: .release)),
        ]),
        // Benchmarks (release builds only): `swift run -c release lrs-bench`.
        .executableTarget(name: "lrs-bench", dependencies: ["LRSHyperparameters", "LRSRuntime", "LRSOptim", "LRSEngine", "CKernelDispatch"],
                          swiftSettings: kernelSettings),

        // What the test targets share: the one process runner (every child with a time limit),
        // the built `lrs`, and golden files with one re-record switch (LRS_RECORD=1).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LRSLanguageTests", dependencies: ["LRSLanguage", "LRSHyperparameters", "LRSLayers", "LRSFiles",
                                                            "TestSupport"]),
        .testTarget(name: "LRSLayersTests", dependencies: ["LRSLayers"]),
        .testTarget(name: "LRSRuntimeTests", dependencies: ["LRSRuntime", "LRSLayers"]),
        .testTarget(name: "LRSOptimTests", dependencies: ["LRSOptim", "LRSHyperparameters"]),
        .testTarget(name: "LRSFilesTests", dependencies: ["LRSFiles", "TestSupport"]),
        .testTarget(name: "LRSEngineTests", dependencies: ["LRSEngine", "LRSExport", "LRSFiles", "LRSHyperparameters",
                                                          "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["lrs", "LRSEngine", "LRSExport", "LRSFiles", "LRSHyperparameters",
                                                         "TestSupport"]),
    ]
)
