import Foundation
import Synchronization
import Testing
@testable import Ingest
#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on loopback that accepts connections and never says a word: a camera that hangs.
final class SilentServer {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}

/// A loopback port with nothing listening.
func closedPort() -> Int {
    let s = try! SilentServer()
    return s.port  // closed when `s` goes away at the end of this function
}

@Suite("Ingest: live sources")
struct LiveSourceTests {
    @Test("passwords never appear in the shown URL; credentials are percent-encoded into the real one")
    func redaction() {
        #expect(StreamURL.redacted("rtsp://admin:s3cret@10.0.0.7:554/stream1") == "rtsp://admin:***@10.0.0.7:554/stream1")
        #expect(StreamURL.redacted("rtsp://admin@10.0.0.7/s") == "rtsp://admin:***@10.0.0.7/s")
        #expect(StreamURL.redacted("rtsp://10.0.0.7/a@b") == "rtsp://10.0.0.7/a@b")
        #expect(StreamURL.redacted("/videos/a@b.mp4") == "/videos/a@b.mp4")
        #expect(StreamURL.withCredentials("rtsp://old:pw@h:554/x", username: "op", password: "p@ss:w/rd")
            == "rtsp://op:p%40ss%3Aw%2Frd@h:554/x")
        #expect(StreamURL.isLive("RTSP://h/x") && !StreamURL.isLive("/tmp/x.mp4") && !StreamURL.isLive("file:///tmp/x.mp4"))
    }

    @Test("connection refused is reported as unreachable, at once, without the password")
    func refused() throws {
        let port = closedPort()
        var config = IngestConfiguration()
        config.openTimeout = 5
        let started = Date()
        #expect {
            _ = try VideoSource("rtsp://127.0.0.1:\(port)/cam", configuration: config, credentials: ("op", "hunter2"))
        } throws: { error in
            guard let e = error as? IngestError, case .unreachable(let source, _) = e else { return false }
            return !source.contains("hunter2") && !e.description.contains("hunter2")
        }
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test("a camera that accepts and never answers times out within the open timeout")
    func silentCameraTimesOut() throws {
        let server = try SilentServer()
        var config = IngestConfiguration()
        config.openTimeout = 1
        config.readTimeout = 1
        let started = Date()
        #expect {
            _ = try VideoSource("rtsp://127.0.0.1:\(server.port)/cam", configuration: config)
        } throws: { error in
            guard let e = error as? IngestError, case .timedOut(_, _, let stage) = e else { return false }
            return stage == "connecting" && e.isTransient
        }
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.9 && waited < 3, "waited \(waited) s")
    }

    @Test("cancel() from another thread abandons a blocked open at once")
    func cancelAbandonsOpen() throws {
        let server = try SilentServer()
        var config = IngestConfiguration()
        config.openTimeout = 30
        config.readTimeout = 30
        let interrupt = StreamInterrupt()
        let url = "rtsp://127.0.0.1:\(server.port)/cam"
        let configuration = config
        let outcome = Mutex<IngestError?>(nil)
        let done = DispatchSemaphore(value: 0)
        // Plain threads, not the test's task pool: the open blocks its thread until cancelled.
        let opener = Thread {
            do {
                _ = try VideoSource(url, configuration: configuration, interrupt: interrupt)
            } catch let e as IngestError {
                outcome.withLock { $0 = e }
            } catch {}
            done.signal()
        }
        opener.start()
        Thread.sleep(forTimeInterval: 0.5)
        let cancelledAt = Date()
        interrupt.cancel()
        #expect(done.wait(timeout: .now() + 10) == .success, "the open never returned")
        #expect(Date().timeIntervalSince(cancelledAt) < 2, "returned \(Date().timeIntervalSince(cancelledAt)) s after cancel")
        #expect(outcome.withLock { $0 } == .cancelled(source: url))
    }

    @Test("an analysis rate delivers that many frames per second of video and counts the rest as skipped")
    func analysisRate() throws {
        var config = IngestConfiguration()
        config.minimumFrameInterval = 0.1  // 10 of the clip's 25 frames per second
        let src = try VideoSource(sampleClip, configuration: config)
        var frame = src.makeFrame()
        var times: [Double] = []
        while try src.read(into: &frame) { times.append(frame.pts) }
        #expect(times.count == 160, "16 s at 10 fps")
        #expect(src.framesDecoded == 400 && src.framesSkipped == 240)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 > 0.07 && $1 - $0 < 0.13 })
    }

    @Test("a stream that changes frame size mid-way: the scaler is rebuilt and frames carry a new generation")
    func parametersChange() throws {
        let a = temporaryFile("a.ts"), b = temporaryFile("b.ts"), joined = temporaryFile("joined.ts")
        defer { for f in [a, b, joined] { try? FileManager.default.removeItem(at: f) } }
        try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", a.path])
        try ffmpeg(["-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", b.path])
        // Two transport-stream segments back to back, as a camera that changed its resolution sends them.
        var data = try Data(contentsOf: a)
        data.append(try Data(contentsOf: b))
        try data.write(to: joined)
        let src = try VideoSource(joined.path)
        var frame = src.makeFrame()
        var seen: [(Int, Int, Int)] = []
        while try src.read(into: &frame) {
            if seen.last.map({ $0 != (frame.width, frame.height, frame.generation) }) ?? true {
                seen.append((frame.width, frame.height, frame.generation))
            }
        }
        #expect(seen.map(\.0) == [320, 160] && seen.map(\.1) == [240, 120] && seen.map(\.2) == [0, 1])
        #expect(src.parameterChanges == 1)
        #expect(src.framesDelivered >= 48)
    }

    @Test("a frame exactly twice the working size is halved by 2×2 box averages of each plane")
    func halving() throws {
        let clip = temporaryFile("halve.mp4")
        defer { try? FileManager.default.removeItem(at: clip) }
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=0.2", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip.path])
        let full = try VideoSource(clip.path, configuration: IngestConfiguration(workingWidth: 320))
        let half = try VideoSource(clip.path, configuration: IngestConfiguration(workingWidth: 160))
        var a = full.makeFrame(), b = half.makeFrame()
        #expect(try full.read(into: &a) && half.read(into: &b))
        #expect(b.width == 160 && b.height == 120)
        func box(_ p: [UInt8], _ w: Int, _ h: Int) -> [UInt8] {
            (0..<(h / 2)).flatMap { y in
                (0..<(w / 2)).map { x in
                    let s = Int(p[2 * y * w + 2 * x]) + Int(p[2 * y * w + 2 * x + 1]) + Int(p[(2 * y + 1) * w + 2 * x]) + Int(p[(2 * y + 1) * w + 2 * x + 1])
                    return UInt8((s + 2) / 4)
                }
            }
        }
        #expect(b.y == box(a.y, 320, 240))
        #expect(b.u == box(a.u, 160, 120) && b.v == box(a.v, 160, 120))
    }
}
