import KinfinderCore
import Testing

/// Runs each test of a suite on a thread of its own instead of Swift's cooperative pool.
///
/// Suites that wait for child processes, RTSP servers or browsers block while they wait, and a
/// blocked test holds one of the pool's threads (one per core: two on CI). Two such suites at once
/// would starve every other test in the process, whose database replies and timers then come
/// minutes late. Under this trait the waiting happens on the test's own thread.
public struct OwnThread: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        // The suite itself only groups its tests: each test case gets the thread.
        guard testCase != nil else { return try await function() }
        try await AnalysisThreads.runOnOwnThread(name: "test") { try await function() }
    }
}

extension Trait where Self == OwnThread {
    /// Each test on a thread of its own (see ``OwnThread``).
    public static var ownThread: Self { OwnThread() }
}
