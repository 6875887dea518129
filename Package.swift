// swift-tools-version: 6.1
import PackageDescription

// One set of settings for every Swift target (after Hummingbird): existential `any` spelled out,
// imports internal unless a module's public API needs them (so no FFmpeg type can leak out of Ingest).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Kinfinder",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kinfinder", targets: ["kinfinder"]),
        .library(name: "KinfinderCore", targets: ["KinfinderCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // The one C boundary: FFmpeg 5.1 (Debian 12) through pkg-config, with a shim for macros.
        .systemLibrary(
            name: "CFFmpeg",
            path: "Sources/CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]
        ),
        // SIMD kernels over image planes, each with a scalar reference (tests compare them).
        .target(name: "ImageKernels", swiftSettings: swiftSettings),
        // Ingest halves 720p/1080p frames with the 2×2 SIMD kernel instead of libswscale.
        .target(name: "Ingest", dependencies: ["CFFmpeg", "ImageKernels"], swiftSettings: swiftSettings),
        // The second C boundary: ONNX Runtime's C API, loaded with dlopen at run time (the library
        // comes from the onnxruntime wheel; see scripts/install-deps), so nothing links against it.
        .target(name: "COnnxRuntime", linkerSettings: [.linkedLibrary("dl")]),
        // Owns every ONNX Runtime object: the runtime, sessions, runs; typed errors.
        .target(name: "Inference", dependencies: ["COnnxRuntime"], swiftSettings: swiftSettings),
        // The frame's way through analysis, one stage per module (pure Swift, no I/O but loading a
        // model): motion stage, crop planner and person network → tracks → descriptions, composed
        // by Extraction.
        .target(name: "Detection", dependencies: ["ImageKernels", "Inference"], swiftSettings: swiftSettings),
        .target(name: "Tracking", dependencies: ["Detection", "ImageKernels"], swiftSettings: swiftSettings),
        .target(name: "Description", dependencies: ["Detection"], swiftSettings: swiftSettings),
        .target(name: "Extraction", dependencies: ["Detection", "Tracking", "Description"], swiftSettings: swiftSettings),
        // Behaviour rules over a camera's tracks (danger zones, a child alone, a person down, wandering).
        .target(name: "Behaviour", dependencies: ["Detection", "Tracking", "Description"], swiftSettings: swiftSettings),
        .target(name: "Matching", dependencies: ["Description"], swiftSettings: swiftSettings),
        // Accuracy metrics (detection, CLEAR MOT, IDF1, colour confusion, retrieval): pure functions.
        .target(name: "Accuracy", dependencies: ["Detection", "Tracking", "Description"], swiftSettings: swiftSettings),
        .target(
            name: "GridStore",
            dependencies: [
                "Detection", "Description", "Matching", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Track descriptors as compact segment files for retro search: layout, crash safety, SIMD scan.
        .target(name: "DescriptorIndex", dependencies: ["Description", "Matching", "GridStore"], swiftSettings: swiftSettings),
        .target(
            name: "KinfinderCore",
            dependencies: [
                "Ingest", "Inference", "Detection", "Tracking", "Description", "Extraction", "Behaviour", "Matching", "GridStore",
                "Accuracy", "DescriptorIndex",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // `kinfinder serve`: HTTP API, dispatch and escalation, live updates, metrics.
        .target(
            name: "KinfinderServer",
            dependencies: [
                "KinfinderCore", "GridStore", "Matching", "Description",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("openapi.yaml"), .copy("Console")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kinfinder",
            dependencies: [
                "KinfinderCore", "GridStore", "Matching", "Detection", "Tracking", "Description", "Extraction", "Behaviour", "Ingest",
                "Accuracy", "DescriptorIndex", "KinfinderServer", "Inference",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "IngestTests", dependencies: ["Ingest"], swiftSettings: swiftSettings),
        .testTarget(name: "ImageKernelsTests", dependencies: ["ImageKernels", "Detection"], swiftSettings: swiftSettings),
        .testTarget(name: "InferenceTests", dependencies: ["Inference"], resources: [.copy("Resources")], swiftSettings: swiftSettings),
        .testTarget(name: "DetectionTests", dependencies: ["Detection", "Inference", "Ingest"], swiftSettings: swiftSettings),
        .testTarget(name: "TrackingTests", dependencies: ["Tracking", "Detection"], swiftSettings: swiftSettings),
        .testTarget(name: "BehaviourTests", dependencies: ["Behaviour", "Tracking", "Detection", "Description"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ExtractionTests", dependencies: ["ImageKernels", "Detection", "Tracking", "Description", "Extraction"],
            swiftSettings: swiftSettings),
        .testTarget(name: "AccuracyTests", dependencies: ["Accuracy", "Detection", "Tracking", "Description"], swiftSettings: swiftSettings),
        .testTarget(name: "MatchingTests", dependencies: ["Matching", "Description", "Detection"], exclude: ["Corpus"], swiftSettings: swiftSettings),
        // A real PostgreSQL for the tests (scripts/postgres-test-server), shared by the test targets.
        .target(
            name: "KinfinderTestSupport",
            dependencies: [
                "GridStore", "KinfinderCore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support"),
        .testTarget(
            name: "GridStoreTests", dependencies: ["GridStore", "Matching", "Detection", "Description", "KinfinderTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DescriptorIndexTests", dependencies: ["DescriptorIndex", "GridStore", "Matching", "Detection", "Description"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KinfinderCLITests",
            dependencies: ["kinfinder", "GridStore", "Matching", "Description", "KinfinderTestSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KinfinderCoreTests",
            dependencies: [
                "KinfinderCore", "GridStore", "Matching", "Detection", "Description", "Ingest", "DescriptorIndex", "KinfinderTestSupport",
                "Behaviour",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
