/// Errors of the wiring layer (configuration, grid files, times), with messages a user can act on.
public enum KinfinderError: Error, CustomStringConvertible, Equatable {
    case configNotFound(String)
    case configInvalid(file: String, reason: String)
    case gridFileInvalid(file: String, reason: String)
    case unknownCamera(String)
    case unknownCell(String)
    case invalidTime(String)
    /// A time that reads but cannot be meant: before 1990 or more than a day ahead.
    case implausibleTime(String)
    case snapshotFailed(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .configNotFound(let f): "configuration file not found: \(f)"
        case .configInvalid(let f, let r): "configuration file \(f) is invalid: \(r)"
        case .gridFileInvalid(let f, let r): "grid file \(f) is invalid: \(r)"
        case .unknownCamera(let c): "unknown camera '\(c)' (add it first: kinfinder camera add \(c) --cell CELL)"
        case .unknownCell(let c): "unknown grid cell '\(c)' (import the grid first: kinfinder grid import FILE; list cells: kinfinder grid list)"
        case .invalidTime(let t): "cannot read the time '\(t)': use e.g. 14:30, '2026-11-23 14:30', 2026-11-23T14:30:00+08:00, or 20m (20 minutes ago)"
        case .implausibleTime(let t):
            "the time '\(t)' is before 1990 or more than a day from now; check the year (e.g. '2026-11-23 14:30') or give how long ago (e.g. 20m)"
        case .snapshotFailed(let r): "snapshot could not be saved: \(r)"
        case .invalidArgument(let r): r
        }
    }
}
