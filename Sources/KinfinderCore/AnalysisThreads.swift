import Foundation

/// Threads of their own for analysis, as a task executor.
///
/// Analysing a frame is tens of milliseconds of CPU with no suspension point (motion stage,
/// network crops, tracking). Run on Swift's cooperative pool (one thread per core), a few cameras
/// would hold every pool thread and starve everything else in the process — lease renewals, the
/// database's replies, status writes, HTTP handlers. Cameras' loops therefore run under
/// `withTaskExecutorPreference(AnalysisThreads.shared)`: their code, and the non-isolated async
/// code they await, runs on these threads instead, and the cooperative pool stays free.
///
/// ``shared`` has one thread per core, like the cooperative pool, because analysis is CPU-bound:
/// more threads than cores only make cameras' rounds collide (measured on 8 live 720p streams with
/// the learned detector: a thread per camera dropped 21 frames and took 49.5 MiB per stream, one
/// thread per core 13 frames and 38.9 MiB).
public final class AnalysisThreads: TaskExecutor, @unchecked Sendable {  // State guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var closed = false

    /// The process's analysis threads, one per core, for every camera.
    public static let shared = AnalysisThreads(threads: ProcessInfo.processInfo.activeProcessorCount, name: "analysis")

    /// Starts `threads` threads named `name-1`, `name-2`, … (shown by `top -H` and in backtraces).
    public init(threads: Int, name: String) {
        let count = max(1, threads)
        for i in 1...count {
            let thread = Thread { [self] in self.loop() }
            thread.name = count == 1 ? name : "\(name)-\(i)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        condition.lock()
        if closed {
            condition.unlock()
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(UnownedJob(job))
        condition.signal()
        condition.unlock()
    }

    /// Ends the threads once the jobs queued so far have run. Jobs enqueued later go to the global
    /// pool, so a task that outlives its executor is never lost.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while head == jobs.count && !closed { condition.wait() }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Runs `body` with the shared analysis threads preferred.
    public static func run<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async rethrows -> T {
        try await withTaskExecutorPreference(shared, isolation: isolation, operation: body)
    }

    /// Runs `body` on a thread of its own, for work that blocks (waiting on a child process, say),
    /// then ends the thread.
    public static func runOnOwnThread<T>(
        name: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async rethrows -> T {
        let own = AnalysisThreads(threads: 1, name: name)
        defer { own.close() }
        return try await withTaskExecutorPreference(own, isolation: isolation, operation: body)
    }
}
