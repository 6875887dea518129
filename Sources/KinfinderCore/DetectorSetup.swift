public import Detection
public import Extraction
import Inference

/// How a camera's extractor is built: which detector, and where the learned one's runtime and
/// model are. The command line resolves flags, configuration and environment into one of these;
/// library code never looks them up itself.
public struct DetectorSetup: Sendable, Hashable {
    public var kind: DetectorKind
    /// ONNX Runtime library files to try, in order (see `Inference.RuntimeLocation`).
    public var runtimeCandidates: [String]
    /// The person model file.
    public var modelPath: String
    /// Threads one network run may use (1: the camera's own thread).
    public var threads: Int

    public init(kind: DetectorKind, runtimeCandidates: [String] = [], modelPath: String = "", threads: Int = 1) {
        self.kind = kind
        self.runtimeCandidates = runtimeCandidates
        self.modelPath = modelPath
        self.threads = threads
    }

    /// Moving blobs only: needs neither runtime nor model.
    public static let motion = DetectorSetup(kind: .motion)

    /// The learned detector with the model in `modelsDirectory` and the runtime found from an
    /// explicit path, the environment's value, or the usual places.
    public static func learned(modelsDirectory: String, runtime explicit: String?, environment: String?, threads: Int = 1) -> DetectorSetup {
        DetectorSetup(
            kind: .learned, runtimeCandidates: RuntimeLocation.candidates(explicit: explicit, environment: environment),
            modelPath: modelsDirectory.hasSuffix("/") ? modelsDirectory + SSDPersonNetwork.modelFile : modelsDirectory + "/" + SSDPersonNetwork.modelFile,
            threads: threads)
    }

    /// Loads the runtime and the model once (shared by every camera of the process), so that a
    /// missing or broken file is reported before any video is opened.
    public func check() throws {
        guard kind == .learned else { return }
        _ = try SSDPersonNetwork.load(runtimeCandidates: runtimeCandidates, modelPath: modelPath, threads: threads)
    }

    /// A description for logs: "learned (ONNX Runtime 1.32.0, person-ssdlite-mobilenetv2.onnx)".
    public func summary() -> String {
        guard kind == .learned else { return "motion only" }
        let runtime = (try? OnnxRuntime.load(candidates: runtimeCandidates)).map { "ONNX Runtime \($0.version)" } ?? "ONNX Runtime"
        return "learned (\(runtime), \(modelPath.split(separator: "/").last.map(String.init) ?? modelPath))"
    }

    /// The extractor for frames of `width`×`height`.
    public func makeExtractor(width: Int, height: Int, colourTable: [UInt8], configuration: ExtractorConfiguration) throws -> PersonExtractor {
        switch kind {
        case .motion:
            return PersonExtractor(width: width, height: height, colourTable: colourTable, configuration: configuration)
        case .learned:
            let network = try SSDPersonNetwork.load(runtimeCandidates: runtimeCandidates, modelPath: modelPath, threads: threads)
            return PersonExtractor(width: width, height: height, colourTable: colourTable, network: network, configuration: configuration)
        }
    }
}
