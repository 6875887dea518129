/// Kinfinder's version, shown by `kinfinder --version` and stored with each run.
public enum KinfinderVersion {
    public static let string = "0.1.0"
}
