import Foundation

/// A thread of its own for one camera's analysis, as a task executor.
///
/// Analysing a frame is tens of milliseconds of CPU with no suspension point (motion stage,
/// network crops, tracking). Run on Swift's cooperative pool (one thread per core), a few cameras
/// would hold every pool thread and starve everything else in the process — lease renewals, the
/// database's replies, status writes, HTTP handlers. A camera's loop therefore runs under
/// `withTaskExecutorPreference(AnalysisThread)`: its code, and the non-isolated async code it
/// awaits, runs on this thread, and the kernel's scheduler shares the cores between cameras and the
/// pool fairly.
public final class AnalysisThread: TaskExecutor, @unchecked Sendable {  // State guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var closed = false

    /// Starts the thread; `name` shows in `top -H` and backtraces.
    public init(name: String) {
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.start()
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

    /// Ends the thread once the jobs queued so far have run. Jobs enqueued later go to the global
    /// pool, so a task that outlives the camera is never lost.
    public func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !closed { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    /// Runs `body` with this camera's thread preferred, then closes the thread.
    public static func run<T>(
        name: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async rethrows -> T {
        let thread = AnalysisThread(name: name)
        defer { thread.close() }
        return try await withTaskExecutorPreference(thread, isolation: isolation, operation: body)
    }
}
