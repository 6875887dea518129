/// Where ONNX Runtime's shared library is looked for. The library is not linked: it is loaded when a
/// learned detector is first used, so Kinfinder builds and runs (`--detector motion`) without it.
public enum RuntimeLocation {
    /// Overrides the search with one file.
    public static let environmentVariable = "KINFINDER_ONNXRUNTIME"
    /// Where `scripts/install-deps` puts the library taken from the pinned `onnxruntime` wheel.
    public static let installedDirectory = "/usr/local/lib/kinfinder"
    /// The version `scripts/install-deps` installs (any 1.x from 1.13 on serves the API used).
    public static let pinnedVersion = "1.32.0"

    /// The files to try, in order: an explicit path (flag or config) alone, else the environment
    /// variable's path alone, else the installed copy and then the system's library path.
    public static func candidates(explicit: String?, environment: String?) -> [String] {
        for given in [explicit, environment] {
            if let given, !given.isEmpty { return [given] }
        }
        return [
            "\(installedDirectory)/libonnxruntime.so",
            "\(installedDirectory)/libonnxruntime.so.\(pinnedVersion)",
            "libonnxruntime.so.1",
            "libonnxruntime.so",
        ]
    }
}
