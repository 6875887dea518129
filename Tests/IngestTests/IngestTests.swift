import Foundation
import Testing
@testable import Ingest

/// The repo's root, from this file's path.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let sampleClip = repoRoot.appendingPathComponent("SampleClips/scenic-gate-640.mp4").path

func temporaryFile(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-ingest-\(UUID().uuidString)-\(name)")
}

/// Runs the ffmpeg CLI (installed with the FFmpeg libraries) to make test media.
func ffmpeg(_ args: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"] + args
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "ffmpeg \(args.joined(separator: " "))")
}

@Suite("Ingest: FFmpeg decode", .serialized)
struct IngestTests {
    @Test("a sample clip decodes every frame with increasing timestamps at the working size")
    func decodesSampleClip() throws {
        let src = try VideoSource(sampleClip)
        #expect(src.info.codec == "h264")
        #expect(src.info.sourceWidth == 640 && src.info.sourceHeight == 360)
        #expect(src.info.workingWidth == 640 && src.info.workingHeight == 360)
        #expect(abs(src.info.framesPerSecond - 25) < 0.01)
        var frame = src.makeFrame()
        var times: [Double] = []
        while try src.read(into: &frame) { times.append(frame.pts) }
        #expect(times.count == 400)
        #expect(src.corruptPackets == 0)
        #expect(abs(times[0]) < 1e-6)
        #expect(abs(times[399] - 399.0 / 25) < 1e-3)
        #expect(zip(times, times.dropFirst()).allSatisfy { abs($1 - $0 - 0.04) < 1e-3 })
        // Reading past the end stays at the end.
        #expect(try src.read(into: &frame) == false)
    }

    @Test("frames are scaled down to the working width, aspect kept, sides even")
    func scales() throws {
        let src = try VideoSource(sampleClip, configuration: IngestConfiguration(workingWidth: 321))
        #expect(src.info.workingWidth == 320 && src.info.workingHeight == 180)
        var frame = src.makeFrame()
        #expect(try src.read(into: &frame))
        #expect(frame.width == 320 && frame.height == 180)
        #expect(frame.y.count == 320 * 180 && frame.u.count == 160 * 90)
        // Real picture content, not the blank initial planes.
        #expect(Set(frame.y).count > 50)
    }

    @Test("working size arithmetic")
    func workingSize() {
        #expect(VideoSource.workingSize(width: 1280, height: 720, maxWidth: 640) == (640, 360))
        #expect(VideoSource.workingSize(width: 480, height: 360, maxWidth: 640) == (480, 360))
        #expect(VideoSource.workingSize(width: 1920, height: 1080, maxWidth: 640) == (640, 360))
        #expect(VideoSource.workingSize(width: 703, height: 480, maxWidth: 1000) == (702, 478))
    }

    @Test("a missing file is a clear error")
    func missingFile() {
        #expect(throws: IngestError.fileNotFound(path: "/nonexistent/clip.mp4")) { try VideoSource("/nonexistent/clip.mp4") }
        #expect(IngestError.fileNotFound(path: "x.mp4").description == "video file not found: x.mp4")
    }

    @Test("a file that is not video cannot be opened")
    func notVideo() throws {
        let f = temporaryFile("notes.mp4")
        try Data("this is not a video".utf8).write(to: f)
        defer { try? FileManager.default.removeItem(at: f) }
        #expect {
            try VideoSource(f.path)
        } throws: { error in
            guard case IngestError.openFailed = error else { return false }
            return true
        }
    }

    @Test("an audio-only file has no video stream")
    func audioOnly() throws {
        let f = temporaryFile("tone.wav")
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=0.5", f.path])
        defer { try? FileManager.default.removeItem(at: f) }
        #expect(throws: IngestError.noVideoStream(source: f.path)) { try VideoSource(f.path) }
    }

    @Test("corrupt packets mid-file are skipped and counted, not fatal")
    func corrupt() throws {
        // The clip with 20 kB of garbage written over its middle: packet boundaries survive in
        // the MP4 index, so the decoder receives damaged packets.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: sampleClip)))
        var rng: UInt64 = 42
        let start = bytes.count / 3
        for i in start..<(start + 20_000) {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            bytes[i] = UInt8(truncatingIfNeeded: rng >> 33)
        }
        let f = temporaryFile("corrupt.mp4")
        try Data(bytes).write(to: f)
        defer { try? FileManager.default.removeItem(at: f) }
        let src = try VideoSource(f.path)
        var frame = src.makeFrame()
        var n = 0
        while try src.read(into: &frame) { n += 1 }
        #expect(n > 300 && n < 400, "decoded \(n) of 400 frames")
        #expect(src.corruptPackets > 0)
    }

    @Test("JPEG encoder writes a real JPEG of the enlarged image")
    func jpeg() throws {
        let w = 40, h = 60
        let y = (0..<(w * h)).map { UInt8(16 + ($0 % w) * 5) }
        let u = [UInt8](repeating: 90, count: (w / 2) * (h / 2)), v = [UInt8](repeating: 240, count: (w / 2) * (h / 2))
        let bytes = try JPEGEncoder().encode(width: w, height: h, y: y, u: u, v: v)
        #expect(bytes.count > 300)
        #expect(Array(bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])
        #expect(Array(bytes.suffix(2)) == [0xFF, 0xD9])
        // Decode it back with FFmpeg: it is enlarged to at least 320 px tall (scale 4 → 160x240 max 4×).
        let f = temporaryFile("snap.jpg")
        try Data(bytes).write(to: f)
        defer { try? FileManager.default.removeItem(at: f) }
        let back = try VideoSource(f.path)
        #expect(back.info.sourceWidth == 160 && back.info.sourceHeight == 240)
        #expect(throws: IngestError.self) { try JPEGEncoder().encode(width: 10, height: 10, y: [1, 2], u: [], v: []) }
    }
}
