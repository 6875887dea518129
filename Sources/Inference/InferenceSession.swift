internal import COnnxRuntime
import Glibc
import Synchronization

/// A loaded ONNX Runtime library. Loaded once per process and never unloaded (the runtime keeps
/// global thread pools and an environment that must outlive every session).
///
/// `@unchecked Sendable`: the handle is written once in `init` and only read afterwards; the
/// runtime's environment is thread-safe.
public final class OnnxRuntime: @unchecked Sendable {
    fileprivate let handle: OpaquePointer
    /// The file that was loaded (as given: a path or a library name the loader resolved).
    public let path: String
    /// The library's own version ("1.32.0").
    public let version: String

    private init(handle: OpaquePointer, path: String) {
        self.handle = handle
        self.path = path
        version = String(cString: kf_ort_version(handle))
    }

    private static let loaded = Mutex<[String: OnnxRuntime]>([:])

    /// The first of `candidates` that loads (see ``RuntimeLocation/candidates(explicit:environment:)``).
    /// A path that does not exist is passed over; one that exists but fails to load is an error of
    /// its own, so a broken install is not silently replaced by another library.
    public static func load(candidates: [String]) throws -> OnnxRuntime {
        try loaded.withLock { cache in
            for c in candidates {
                if let r = cache[c] { return r }
            }
            var searched: [String] = []
            for c in candidates {
                let isPath = c.contains("/")
                if isPath && access(c, F_OK) != 0 {
                    searched.append(c)
                    continue
                }
                var error = [CChar](repeating: 0, count: 1024)
                guard let handle = kf_ort_load(c, &error, error.count) else {
                    let reason = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                    // A bare library name the system loader does not know is "not found", not broken.
                    if !isPath && reason.contains("cannot open shared object file") {
                        searched.append(c)
                        continue
                    }
                    throw InferenceError.runtimeUnusable(path: c, reason: reason)
                }
                let runtime = OnnxRuntime(handle: handle, path: c)
                cache[c] = runtime
                return runtime
            }
            throw InferenceError.runtimeNotFound(searched: searched)
        }
    }
}

/// Name, element type and shape of a model input or output (-1 marks a free dimension).
public struct TensorInfo: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    /// ONNX element type: 1 = float.
    public var elementType: Int
    public var shape: [Int]

    public init(name: String, elementType: Int, shape: [Int]) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }

    public var isFloat: Bool { elementType == 1 }
    public var description: String { "\(name) \(isFloat ? "float" : "type \(elementType)") [\(shape.map { $0 < 0 ? "?" : String($0) }.joined(separator: ","))]" }

    /// True when a tensor of `concrete` shape fits this description.
    public func accepts(_ concrete: [Int]) -> Bool {
        concrete.count == shape.count && zip(shape, concrete).allSatisfy { $0 < 0 || $0 == $1 }
    }
}

/// One model ready to run on the CPU.
///
/// `@unchecked Sendable`: ONNX Runtime allows concurrent `Run` calls on one session, and nothing
/// here changes after `init`; so one session serves every camera of a process (the weights are
/// held once).
public final class InferenceSession: @unchecked Sendable {
    private let session: OpaquePointer
    public let modelPath: String
    public let inputs: [TensorInfo]
    public let outputs: [TensorInfo]
    public let runtime: OnnxRuntime

    /// Loads `modelPath`. `threads`: threads one run may use (1: only the calling thread).
    public init(runtime: OnnxRuntime, modelPath: String, threads: Int = 1) throws {
        guard access(modelPath, R_OK) == 0 else { throw InferenceError.modelNotFound(path: modelPath) }
        var error = [CChar](repeating: 0, count: 2048)
        guard let s = kf_ort_session_create(runtime.handle, modelPath, Int32(max(1, threads)), &error, error.count) else {
            let reason = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw InferenceError.modelUnreadable(path: modelPath, reason: reason)
        }
        session = s
        self.modelPath = modelPath
        self.runtime = runtime
        func port(_ i: Int, output: Bool) -> TensorInfo {
            var name: UnsafePointer<CChar>?
            var type: Int32 = 0
            var shape = [Int64](repeating: 0, count: 8)
            var rank = 0
            _ = output
                ? kf_ort_session_output(s, i, &name, &type, &shape, 8, &rank)
                : kf_ort_session_input(s, i, &name, &type, &shape, 8, &rank)
            return TensorInfo(name: name.map { String(cString: $0) } ?? "?", elementType: Int(type), shape: shape.prefix(rank).map(Int.init))
        }
        inputs = (0..<kf_ort_session_input_count(s)).map { port($0, output: false) }
        outputs = (0..<kf_ort_session_output_count(s)).map { port($0, output: true) }
    }

    deinit { kf_ort_session_free(session) }

    private static let shared = Mutex<[String: InferenceSession]>([:])

    /// One session per runtime, model file and thread count for the whole process.
    public static func shared(runtime: OnnxRuntime, modelPath: String, threads: Int = 1) throws -> InferenceSession {
        let key = "\(runtime.path)\u{0}\(modelPath)\u{0}\(threads)"
        return try shared.withLock { cache in
            if let s = cache[key] { return s }
            let s = try InferenceSession(runtime: runtime, modelPath: modelPath, threads: threads)
            cache[key] = s
            return s
        }
    }

    /// Runs the model on one float input of `shape`. The outputs are written one after another
    /// into `outputs`, output i taking `sizes[i]` floats (its exact size: a different size is an
    /// error); `outputs` must hold their sum.
    public func run(input: [Float], shape: [Int], sizes: [Int], outputs: inout [Float]) throws {
        guard sizes.count == self.outputs.count else {
            throw InferenceError.runFailed(reason: "the model has \(self.outputs.count) outputs, \(sizes.count) sizes were given")
        }
        guard input.count == shape.reduce(1, *) else {
            throw InferenceError.runFailed(reason: "the input has \(input.count) values, its shape \(shape) needs \(shape.reduce(1, *))")
        }
        guard outputs.count >= sizes.reduce(0, +) else {
            throw InferenceError.runFailed(reason: "the output buffer holds \(outputs.count) values, \(sizes.reduce(0, +)) are needed")
        }
        let shape64 = shape.map(Int64.init)
        var counts = [Int](repeating: 0, count: sizes.count)
        var error = [CChar](repeating: 0, count: 1024)
        let status: Int32 = input.withUnsafeBufferPointer { inp in
            outputs.withUnsafeMutableBufferPointer { out in
                var pointers: [UnsafeMutablePointer<Float>?] = []
                var offset = 0
                for n in sizes {
                    pointers.append(out.baseAddress! + offset)
                    offset += n
                }
                return kf_ort_run(session, inp.baseAddress, shape64, shape64.count, pointers, sizes, &counts, sizes.count, &error, error.count)
            }
        }
        guard status == 0 else {
            throw InferenceError.runFailed(reason: error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        for (i, c) in counts.enumerated() where c != sizes[i] {
            throw InferenceError.runFailed(reason: "output \(self.outputs[i].name) has \(c) values, \(sizes[i]) were expected")
        }
    }
}
