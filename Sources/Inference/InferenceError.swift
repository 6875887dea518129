/// Everything that can go wrong loading or running a model, in words a user can act on.
public enum InferenceError: Error, CustomStringConvertible, Equatable {
    /// No runtime library at any of the places looked at.
    case runtimeNotFound(searched: [String])
    /// A file is there but is not a usable ONNX Runtime (wrong file, too old, missing symbols).
    case runtimeUnusable(path: String, reason: String)
    case modelNotFound(path: String)
    /// The runtime could not read the model (corrupt, truncated, not ONNX).
    case modelUnreadable(path: String, reason: String)
    /// The model loads but its inputs or outputs are not what the caller expects.
    case modelMismatch(path: String, reason: String)
    case runFailed(reason: String)

    public var description: String {
        switch self {
        case .runtimeNotFound(let searched):
            "ONNX Runtime (libonnxruntime.so) was not found; looked at: \(searched.joined(separator: ", ")). "
                + "Install it with scripts/install-deps, or point --onnxruntime (or $\(RuntimeLocation.environmentVariable)) "
                + "at libonnxruntime.so, or use --detector motion, which needs no runtime"
        case .runtimeUnusable(let path, let reason):
            "\(path) cannot be used as ONNX Runtime: \(reason). Reinstall it with scripts/install-deps, or use --detector motion"
        case .modelNotFound(let path):
            "the person model \(path) was not found. Restore it (git checkout Models/), rebuild it with "
                + "Models/build_person_model.sh, point --models at the folder that holds it, or use --detector motion"
        case .modelUnreadable(let path, let reason):
            "the person model \(path) could not be read (\(reason)). The file is damaged or not an ONNX model: restore it "
                + "(git checkout Models/) or rebuild it with Models/build_person_model.sh, or use --detector motion"
        case .modelMismatch(let path, let reason):
            "\(path) is not the person model Kinfinder expects: \(reason). Restore Models/ (git checkout Models/), or use --detector motion"
        case .runFailed(let reason):
            "the person model failed to run: \(reason)"
        }
    }
}
