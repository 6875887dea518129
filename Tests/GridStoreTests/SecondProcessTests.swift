import Foundation
@testable import GridStore
import Synchronization
import Testing

/// The `sqlite3` command stands in for another Kinfinder process on the same database file.
private let sqlite3 = "/usr/bin/sqlite3"

/// Runs `sqlite3 DATABASE` on `script` (written to a file next to the database and read with
/// `.read`); returns its exit status and output.
private func runSQLite(_ database: String, _ script: String) async throws -> (status: Int32, output: String, errors: String) {
    let scriptPath = database + "-\(UUID().uuidString).sql"
    try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
    defer { try? FileManager.default.removeItem(atPath: scriptPath) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: sqlite3)
    process.arguments = ["-batch", "-bail", database, ".read '\(scriptPath)'"]
    let output = Pipe(), errors = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = errors
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (status, out.trimmingCharacters(in: .whitespacesAndNewlines), err)
}

@Suite(
    "SQLite grid store shared with another process",
    .enabled(if: FileManager.default.isExecutableFile(atPath: sqlite3), "needs the sqlite3 command"))
struct SecondProcessTests {
    @Test func anotherProcessSeesOurWritesAndWeSeeItsWrites() async throws {
        try await withTemporaryDatabase { path in
            let store = try SQLiteGridStore(path: path)
            try await Fixture.seed(store)

            let read = try await runSQLite(path, "PRAGMA journal_mode;\nSELECT COUNT(*) FROM camera;\n")
            #expect(read.status == 0, "\(read.errors)")
            #expect(read.output == "wal\n2")

            let write = try await runSQLite(
                path, "PRAGMA foreign_keys = ON;\nINSERT INTO grid_cell (id, name, level, parent_id) VALUES ('S9', 'Longjing Street', 'street', 'D1');\n")
            #expect(write.status == 0, "\(write.errors)")
            #expect(try await store.cell(id: "S9") == GridCell(id: "S9", name: "Longjing Street", level: .street, parentID: "D1"))
        }
    }

    @Test func aWriteWaitsForAnotherProcessHoldingTheLock() async throws {
        try await withTemporaryDatabase { path in
            let store = try SQLiteGridStore(path: path)
            try await Fixture.seed(store)
            let marker = path + ".locked"
            let release = path + ".release"

            // The other process takes the write lock, says so, and holds it until told to commit.
            async let other = runSQLite(
                path,
                """
                .timeout 5000
                BEGIN IMMEDIATE;
                INSERT INTO grid_cell (id, name, level, parent_id) VALUES ('S8', 'Held Street', 'street', 'D1');
                .shell touch '\(marker)'
                .shell while [ ! -f '\(release)' ]; do sleep 0.02; done
                COMMIT;

                """)
            var waited = 0
            while !FileManager.default.fileExists(atPath: marker), waited < 400 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            try #require(FileManager.default.fileExists(atPath: marker), "sqlite3 never took the lock")

            let written = Mutex(false)
            let writtenWhileHeld = Mutex<Bool?>(nil)
            // A plain thread lets the other process go after 0.3 s of wall time, however busy the
            // test's task pool is, and notes whether the write got through while the lock was held.
            let releaser = Thread {
                Thread.sleep(forTimeInterval: 0.3)
                writtenWhileHeld.withLock { $0 = written.withLock { $0 } }
                _ = FileManager.default.createFile(atPath: release, contents: nil)
            }
            releaser.start()
            try await store.upsertCamera(Camera(id: "CAM3", name: "Waits", cellID: "D1"))  // blocked, then succeeds
            written.withLock { $0 = true }
            #expect(writtenWhileHeld.withLock { $0 } == false, "the write must wait while the other process holds the lock")

            let result = try await other
            #expect(result.status == 0, "\(result.errors)")
            #expect(try await store.cell(id: "S8") != nil)
            #expect(try await store.camera(id: "CAM3") != nil)
        }
    }
}
