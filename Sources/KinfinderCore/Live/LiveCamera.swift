import Foundation
public import GridStore
import Ingest
import Matching
public import Logging
import Detection
import Extraction
public import ServiceLifecycle
import Synchronization

/// One camera of a `kinfinder run` process, as a service: connect, analyse in real time, and when
/// the stream fails, finish what was seen, back off and reconnect — forever, until stopped.
///
/// Two workers per camera: a decoder thread (FFmpeg blocks; it must not sit on the cooperative
/// pool) and an analysis task. Between them a ``FrameMailbox`` holds at most one frame, so when
/// analysis falls behind frames are dropped and counted rather than queued. A camera's failures
/// stay inside it: `run()` never throws because of the stream.
public final class LiveCamera: Service, Sendable {
    public let spec: CameraSpec
    private let store: any GridStore
    private let colourTable: [UInt8]
    private let dataDirectory: String
    private let base: PipelineConfiguration
    private let logger: Logger
    let health: CameraHealth
    private let stopRequested = Atomic<Bool>(false)
    private let replaced = Atomic<Bool>(false)
    private let currentInterrupt = Mutex<StreamInterrupt?>(nil)
    private let runPrefix: String
    /// The camera's lease when hosts share cameras (`kinfinder run --shared`).
    public let fence: LeaseFence?
    private let done = Atomic<Bool>(false)

    public init(
        spec: CameraSpec, store: any GridStore, colourTable: [UInt8], dataDirectory: String,
        pipeline: PipelineConfiguration = PipelineConfiguration(), reporter: String, fence: LeaseFence? = nil, logger: Logger
    ) {
        self.fence = fence
        self.spec = spec
        self.store = store
        self.colourTable = colourTable
        self.dataDirectory = dataDirectory
        self.base = pipeline
        var l = logger
        l[metadataKey: "camera"] = "\(spec.id)"
        self.logger = l
        health = CameraHealth(cameraID: spec.id, reporter: reporter)
        let stamp = ISO8601DateFormatter().string(from: Date())
        runPrefix = "\(stamp)-\(reporter)"
    }

    /// Ends the camera: a blocked connect or read is abandoned at once, what was seen is stored.
    /// `replaced`: a new service takes this camera over, so the final "stopped" status is not written.
    public func stop(replaced isReplaced: Bool = false) {
        if isReplaced { replaced.store(true, ordering: .relaxed) }
        stopRequested.store(true, ordering: .releasing)
        currentInterrupt.withLock { $0?.cancel() }
    }

    var isStopping: Bool { stopRequested.load(ordering: .acquiring) }

    /// True once `run()` has returned: the camera's last tracks are stored (or refused).
    public var hasFinished: Bool { done.load(ordering: .acquiring) }

    public func run() async throws {
        defer { done.store(true, ordering: .releasing) }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                // Off the cooperative pool: see ``AnalysisThreads``.
                await AnalysisThreads.run { await supervise() }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    /// The status to write now; also notices a live stream that went quiet (stalled) before the
    /// decoder's read timeout gives up on it.
    func periodicStatus() -> CameraStatus {
        let now = Date()
        let c = health.current
        let quiet = min(2.0, spec.readTimeout / 2)
        if c.state == .live, let last = c.lastFrameAt, now.timeIntervalSince(last) > quiet {
            if health.set(.stalled, reason: "no frames for \(Int(now.timeIntervalSince(last).rounded())) s") {
                logger.warning("camera stalled", metadata: ["reason": "no frames"])
            }
        }
        return health.status(advanceWindow: true)
    }

    private func publish() async {
        do {
            try await store.updateCameraStatus(health.status(advanceWindow: false))
        } catch {
            logger.error("cannot write camera status", metadata: ["error": "\(error)"])
        }
    }

    private func transition(_ state: CameraState, reason: String? = nil) async {
        guard health.set(state, reason: reason) else { return }
        var meta: Logger.Metadata = ["state": "\(state.rawValue)"]
        if let reason { meta["reason"] = "\(reason)" }
        switch state {
        case .live, .connecting, .stopped: logger.info("camera state", metadata: meta)
        case .stalled, .backingOff: logger.warning("camera state", metadata: meta)
        case .failed: logger.error("camera state", metadata: meta)
        }
        await publish()
    }

    private func pipelineConfiguration() -> PipelineConfiguration {
        var c = base
        c.ingest.workingWidth = spec.workingWidth
        c.ingest.transport = spec.transport
        c.ingest.openTimeout = spec.openTimeout
        c.ingest.readTimeout = spec.readTimeout
        c.ingest.minimumFrameInterval = spec.analysisFPS > 0 ? 1 / spec.analysisFPS : 0
        // Live: one decoder thread and no frame threading (frame threads add latency and memory
        // per camera; many cameras already share the cores).
        c.ingest.decoderThreads = 1
        c.ingest.frameThreads = false
        c.regionOfInterest = spec.regionOfInterest
        c.behaviour = spec.behaviour
        // A report filed while cameras run is matched within two seconds.
        c.reportRefreshInterval = min(c.reportRefreshInterval, 2)
        if let t = spec.threshold { c.match.threshold = t }
        // The camera's own `detector:` wins over the command line's; the runtime and model stay as given.
        if let kind = spec.detector { c.detector.kind = kind }
        if let v = spec.cropsPerSecond {
            // The camera's cap on the person network; an empty scene uses less.
            c.extractor.learned.maximumCropsPerSecond = v
            c.extractor.learned.cropsPerSecond = min(c.extractor.learned.cropsPerSecond, v)
        }
        if let v = spec.sweepPeriod { c.extractor.learned.sweepPeriod = v }
        if let v = spec.stillRecheck { c.extractor.learned.stillRecheck = v }
        return c
    }

    private func supervise() async {
        let configuration = pipelineConfiguration()
        let camera = Camera(id: spec.id, name: spec.name, cellID: spec.cellID, url: spec.displayURL)
        let pipeline = CameraPipeline(
            camera: camera, store: store, colourTable: colourTable, dataDirectory: dataDirectory,
            configuration: configuration, logger: logger)
        pipeline.fence = fence
        if let fence, fence.token > 1 {
            // Another host analysed this camera before: raise what it stored but did not get to raise.
            await TakeoverRecovery(store: store, camera: camera, configuration: configuration, dataDirectory: dataDirectory, logger: logger)
                .run(fence: fence)
        }
        var backoff = Backoff(initial: spec.backoffInitial, maximum: spec.backoffMaximum)
        let epoch = Date()
        var session = 0
        logger.info("camera starting", metadata: ["url": "\(spec.displayURL)", "cell": "\(spec.cellID)"])
        while !isStopping {
            if session > 0 { health.reconnecting() }
            session += 1
            await transition(.connecting)
            let outcome = await connectAndAnalyse(pipeline: pipeline, configuration: configuration, epoch: epoch, session: session, backoff: &backoff)
            if isStopping { break }
            guard let error = outcome else {
                await transition(.stopped, reason: "end of file")
                return
            }
            if case .connectionLost = error {
                await transition(.stalled, reason: error.description)
            } else if case .timedOut(_, _, let stage) = error, stage == "reading" {
                await transition(.stalled, reason: error.description)
            }
            let wait: Double
            if error.isTransient {
                wait = backoff.next()
                await transition(.backingOff, reason: error.description + String(format: " (retrying in %.1f s)", wait))
            } else {
                wait = backoff.maximum
                await transition(.failed, reason: error.description)
            }
            await sleep(seconds: wait)
        }
        if !replaced.load(ordering: .relaxed) {
            await transition(.stopped, reason: "shut down")
        }
        logger.info("camera stopped")
    }

    /// One connection: start the decoder thread, analyse what it hands over until it stops.
    /// Returns why it stopped (`nil` at the end of a file).
    private func connectAndAnalyse(
        pipeline: CameraPipeline, configuration: PipelineConfiguration, epoch: Date, session: Int, backoff: inout Backoff
    ) async -> IngestError? {
        let interrupt = StreamInterrupt()
        currentInterrupt.withLock { $0 = interrupt }
        if isStopping { interrupt.cancel() }
        let mailbox = FrameMailbox()
        let decoder = DecoderThread(
            url: spec.url, credentials: spec.username.map { ($0, spec.password ?? "") }, configuration: configuration.ingest,
            interrupt: interrupt, mailbox: mailbox, health: health)
        decoder.start()

        var size: (Int, Int, Int)? = nil
        var lastTime = -Double.infinity
        var droppedSeen = 0
        var part = 0
        var outcome: IngestError?
        loop: while true {
            switch await mailbox.next() {
            case .frame(let frame):
                if size == nil {
                    backoff.reset()
                    await transition(.live)
                } else if health.current.state == .stalled {
                    await transition(.live)
                }
                if size.map({ $0 != (frame.width, frame.height, frame.generation) }) ?? true {
                    if size != nil {
                        logger.notice("stream parameters changed; analysis starts over", metadata: [
                            "size": "\(frame.width)x\(frame.height)",
                        ])
                    }
                    size = (frame.width, frame.height, frame.generation)
                    part += 1
                    do {
                        try await pipeline.begin(
                            width: frame.width, height: frame.height, startTime: epoch, runID: "\(runPrefix)-\(spec.id)-s\(session).\(part)")
                    } catch {
                        logger.error("cannot start analysis", metadata: ["error": "\(error)"])
                    }
                }
                // Times must not run backwards for the tracker, whatever the network did.
                let time = max(frame.capturedAt - epoch.timeIntervalSince1970, lastTime + 0.001)
                lastTime = time
                do {
                    try await pipeline.analyse(frame, time: time)
                } catch let error as GridStoreError where error.code == .leaseLost {
                    // Another host analyses this camera now: stop at once, write nothing more.
                    logger.warning("camera lease lost; stopping", metadata: ["error": "\(error)"])
                    stop(replaced: true)
                } catch {
                    // The database can be briefly unavailable; the camera keeps running.
                    logger.error("analysis step failed", metadata: ["error": "\(error)"])
                }
                health.analysed(lag: Date().timeIntervalSince1970 - frame.capturedAt)
                let dropped = mailbox.dropped
                health.dropped(dropped - droppedSeen)
                droppedSeen = dropped
                mailbox.recycle(frame)
            case .finished(let error):
                outcome = error
                break loop
            }
        }
        decoder.join()
        do {
            try await pipeline.end()
        } catch {
            logger.error("could not store the last tracks", metadata: ["error": "\(error)"])
        }
        return outcome
    }

    private func sleep(seconds: Double) async {
        let until = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !isStopping, ContinuousClock.now < until {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// The decoder side of one connection, on its own thread: opens the source, decodes, scales
/// the frames due for analysis and posts them to the mailbox. Files are paced in real time.
final class DecoderThread: Sendable {
    private let url: String
    private let credentials: (username: String, password: String)?
    private let configuration: IngestConfiguration
    private let interrupt: StreamInterrupt
    private let mailbox: FrameMailbox
    private let health: CameraHealth
    private let done = DispatchSemaphore(value: 0)

    init(
        url: String, credentials: (String, String)?, configuration: IngestConfiguration, interrupt: StreamInterrupt,
        mailbox: FrameMailbox, health: CameraHealth
    ) {
        self.url = url
        self.credentials = credentials
        self.configuration = configuration
        self.interrupt = interrupt
        self.mailbox = mailbox
        self.health = health
    }

    func start() {
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.name = "decode \(health.cameraID)"
        thread.start()
    }

    /// Waits for the thread to end (it ends right after posting `.finished`).
    func join() {
        done.wait()
    }

    private func run() {
        do {
            let source = try VideoSource(url, configuration: configuration, credentials: credentials, interrupt: interrupt)
            var counted = (decoded: 0, skipped: 0, corrupt: 0)
            let started = Date().timeIntervalSince1970
            while true {
                if interrupt.isCancelled { throw IngestError.cancelled(source: source.source) }
                var frame = mailbox.spare() ?? source.makeFrame()
                let more = try source.read(into: &frame)
                health.decoded(
                    frames: source.framesDecoded - counted.decoded, skipped: source.framesSkipped - counted.skipped,
                    corrupt: source.corruptPackets - counted.corrupt)
                counted = (source.framesDecoded, source.framesSkipped, source.corruptPackets)
                guard more else { break }
                if !source.isLive {
                    // A file stands in for a camera: deliver at the pace it was recorded.
                    let due = started + frame.pts
                    let now = Date().timeIntervalSince1970
                    if due > now { Thread.sleep(forTimeInterval: due - now) }
                    frame.capturedAt = max(now, due)
                }
                mailbox.put(frame)
            }
            mailbox.finish(nil)
        } catch let error as IngestError {
            mailbox.finish(error)
        } catch {
            mailbox.finish(.readFailed(source: StreamURL.redacted(url), reason: "\(error)"))
        }
    }
}
