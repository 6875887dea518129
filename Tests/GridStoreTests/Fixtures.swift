import Foundation
import KinfinderTestSupport
import Testing
@testable import GridStore
import Matching
import Detection
import Description

/// A database path in a fresh folder under the temporary directory (the folder does not exist yet,
/// so opening also tests that the store creates it); the folder is removed afterwards.
func withTemporaryDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("kinfinder-gridstore-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("data").appendingPathComponent("grid.sqlite").path
    return try await body(path)
}

/// A fresh store on a temporary file.
func withStore<T>(_ body: (SQLiteGridStore) async throws -> T) async throws -> T {
    try await withTemporaryDatabase { path in
        try await body(SQLiteGridStore(path: path))
    }
}

typealias Engine = StoreEngine

/// A fresh store of `engine`: a temporary SQLite file, or a new database on the test PostgreSQL.
func withStore<T>(on engine: Engine, _ body: (any GridStore) async throws -> T) async throws -> T {
    try await withTemporaryDatabase { path in
        try await body(try await engine.open(try await engine.freshLocation(sqlitePath: path)))
    }
}

enum Fixture {
    /// A whole second, so stored dates compare equal after the millisecond round trip.
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    /// District D1 > streets S1, S2 > communities C1 (in S1), C2 (in S2) > micro-grid M1 (in C1).
    static let cells: [GridCell] = [
        GridCell(id: "D1", name: "Xihu District", level: .district),
        GridCell(id: "S1", name: "Beishan Street", level: .street, parentID: "D1"),
        GridCell(id: "S2", name: "Lingyin Street", level: .street, parentID: "D1"),
        GridCell(id: "C1", name: "Broken Bridge", level: .community, parentID: "S1"),
        GridCell(id: "C2", name: "Lingyin Temple", level: .community, parentID: "S2"),
        GridCell(id: "M1", name: "Bridge east end", level: .microGrid, parentID: "C1"),
    ]

    /// CAM1 in micro-grid M1, CAM2 in community C2.
    static let cameras: [Camera] = [
        Camera(id: "CAM1", name: "Bridge east", cellID: "M1", url: "rtsp://cam1.local/stream"),
        Camera(id: "CAM2", name: "Temple gate", cellID: "C2"),
    ]

    static func seed(_ store: any GridStore) async throws {
        try await store.upsertCells(cells)
        for camera in cameras { try await store.upsertCamera(camera) }
    }

    static func histogram(_ values: [Float], pixels: Int) -> ColourHistogram {
        var bins = SIMD16<Float>.zero
        for (i, v) in values.enumerated() { bins[i] = v }
        return ColourHistogram(bins: bins, pixels: pixels)
    }

    static func descriptor(trackNo: Int, relativeHeight: Float? = 0.62, speed: Float = 0.8) -> TrackDescriptor {
        TrackDescriptor(
            trackID: trackNo, firstSeen: 12.04, lastSeen: 47.96,
            upper: histogram([0.62, 0, 0, 0, 0, 0.1, 0, 0, 0, 0.18, 0.1, 0], pixels: 1234),
            lower: histogram([0, 0, 0, 0, 0, 0.48, 0, 0, 0, 0.52, 0, 0], pixels: 987),
            lowerVisibility: 0.75, heightPixels: 142.5, heightFraction: 0.198, relativeHeight: relativeHeight,
            speed: speed, heading: 271.5, loiterSeconds: 3.25, observations: 431,
            bestBox: Box(x: 310.5, y: 122, width: 48.25, height: 142.5), bestTime: 30.12)
    }

    static func track(
        camera: String = "CAM1", run: String = "run-A", trackNo: Int = 1, lastSeenAt: Date = t0,
        relativeHeight: Float? = 0.62
    ) -> StoredTrack {
        StoredTrack(
            cameraID: camera, runID: run, firstSeenAt: lastSeenAt.addingTimeInterval(-35), lastSeenAt: lastSeenAt,
            descriptor: descriptor(trackNo: trackNo, relativeHeight: relativeHeight))
    }

    static func report(name: String = "Lily", cell: String? = "M1") -> MissingPersonReport {
        MissingPersonReport(
            name: name, ageGroup: .child, heightCM: 112, upper: [.red, .white], lower: [.blue],
            describedAs: "红色上衣 蓝色裤子 小孩", notes: "holding a balloon", lastSeenCell: cell,
            lastSeenAt: t0.addingTimeInterval(-3600), contact: "+86 138 0000 0000", status: .open,
            createdAt: t0.addingTimeInterval(-3000))
    }

    static func incident(
        report: Int64, track: Int64, camera: String = "CAM1", cell: String = "M1", createdAt: Date = t0,
        score: Double = 0.83
    ) -> Incident {
        Incident(
            reportID: report, trackID: track, cameraID: camera, cellID: cell, seenAt: createdAt.addingTimeInterval(-60),
            score: score, snapshotPath: "snapshots/\(camera)-\(track).jpg", status: .open, createdAt: createdAt,
            explanation: "upper red 62%, lower blue 48%, child height")
    }
}

extension Incident {
    /// The same incident as stored, with the id the store gave it.
    func with(id: Int64?) -> Incident {
        var copy = self
        copy.id = id
        return copy
    }
}
