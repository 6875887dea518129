import Foundation
import Inference
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let personModel = repositoryRoot.appendingPathComponent("Models/person-ssdlite-mobilenetv2.onnx").path
let doubleModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/double.onnx").path

/// The runtime the product would use here (install-deps puts it in /usr/local/lib/kinfinder), if any.
let runtime: OnnxRuntime? = try? OnnxRuntime.load(
    candidates: RuntimeLocation.candidates(explicit: nil, environment: ProcessInfo.processInfo.environment[RuntimeLocation.environmentVariable]))

func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-\(UUID().uuidString)-\(name)")
    try Data(bytes).write(to: url)
    return url.path
}

@Suite("ONNX Runtime through the C API")
struct InferenceTests {
    @Test("a missing runtime is 'not found' and names every place looked at")
    func missingRuntime() {
        #expect(throws: InferenceError.runtimeNotFound(searched: ["/nonexistent/libonnxruntime.so"])) {
            try OnnxRuntime.load(candidates: ["/nonexistent/libonnxruntime.so"])
        }
        let message = InferenceError.runtimeNotFound(searched: ["/a/libonnxruntime.so", "/b/libonnxruntime.so"]).description
        #expect(message.contains("/a/libonnxruntime.so") && message.contains("/b/libonnxruntime.so"))
        #expect(message.contains("scripts/install-deps") && message.contains("--detector motion"))
    }

    @Test("a library that is not ONNX Runtime, or a file that is no library, is refused with the reason")
    func wrongRuntime() throws {
        let libc = ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib64/libc.so.6"]
            .first { FileManager.default.fileExists(atPath: $0) }
        if let libc {
            do {
                _ = try OnnxRuntime.load(candidates: [libc])
                Issue.record("libc loaded as ONNX Runtime")
            } catch let InferenceError.runtimeUnusable(path, reason) {
                #expect(path == libc)
                #expect(reason.contains("OrtGetApiBase"))
            }
        }
        let text = try temporaryFile("libonnxruntime.so", Array("not a library".utf8))
        do {
            _ = try OnnxRuntime.load(candidates: [text])
            Issue.record("a text file loaded as ONNX Runtime")
        } catch let InferenceError.runtimeUnusable(path, _) {
            #expect(path == text)
        }
    }

    @Test("an explicit runtime path is not silently replaced by another")
    func explicitOnly() {
        #expect(RuntimeLocation.candidates(explicit: "/x/lib.so", environment: "/y/lib.so") == ["/x/lib.so"])
        #expect(RuntimeLocation.candidates(explicit: nil, environment: "/y/lib.so") == ["/y/lib.so"])
        #expect(RuntimeLocation.candidates(explicit: nil, environment: nil).first == "\(RuntimeLocation.installedDirectory)/libonnxruntime.so")
    }

    @Test("a real model runs: y = x + x through the runtime's own C API", .enabled(if: runtime != nil, "ONNX Runtime is not installed (scripts/install-deps)"))
    func runsAModel() throws {
        let session = try InferenceSession(runtime: try #require(runtime), modelPath: doubleModel)
        #expect(session.inputs == [TensorInfo(name: "x", elementType: 1, shape: [1, 3])])
        #expect(session.outputs == [TensorInfo(name: "y", elementType: 1, shape: [1, 3])])
        var out = [Float](repeating: 0, count: 3)
        try session.run(input: [1, 2, -3.5], shape: [1, 3], sizes: [3], outputs: &out)
        #expect(out == [2, 4, -7])
        // A wrong input size is an error, not a crash.
        #expect(throws: InferenceError.self) { try session.run(input: [1, 2], shape: [1, 3], sizes: [3], outputs: &out) }
        #expect(throws: InferenceError.self) { try session.run(input: [1, 2, 3, 4], shape: [1, 4], sizes: [3], outputs: &out) }
    }

    @Test("missing, corrupt and truncated model files are clear errors naming the file", .enabled(if: runtime != nil, "ONNX Runtime is not installed (scripts/install-deps)"))
    func badModels() throws {
        let rt = try #require(runtime)
        #expect(throws: InferenceError.modelNotFound(path: "/nonexistent/model.onnx")) {
            try InferenceSession(runtime: rt, modelPath: "/nonexistent/model.onnx")
        }
        var g = SystemRandomNumberGenerator()
        let garbage = try temporaryFile("garbage.onnx", (0..<4096).map { _ in UInt8.random(in: 0...255, using: &g) })
        let real = try Data(contentsOf: URL(fileURLWithPath: personModel))
        let truncated = try temporaryFile("truncated.onnx", Array(real.prefix(real.count / 3)))
        for path in [garbage, truncated] {
            do {
                _ = try InferenceSession(runtime: rt, modelPath: path)
                Issue.record("\(path) loaded")
            } catch let InferenceError.modelUnreadable(p, reason) {
                #expect(p == path)
                #expect(!reason.isEmpty)
                #expect(InferenceError.modelUnreadable(path: p, reason: reason).description.contains("build_person_model.sh"))
            }
        }
    }
}
