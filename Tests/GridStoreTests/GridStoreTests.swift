import Foundation
@testable import GridStore
import Matching
import KinfinderTestSupport
import Testing
import Description
import GRDB

@Suite("SQLite grid store")
struct GridStoreTests {
    // MARK: Opening and migrations

    @Test func migrationsCreateTablesAndReopeningIsANoOp() async throws {
        try await withTemporaryDatabase { path in
            let first = try SQLiteGridStore(path: path)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try await first.tableNames() == [
                "auth_session", "camera", "camera_lease", "camera_status", "case_closure", "dispatch", "duty_post", "grdb_migrations", "grid_cell",
                "grid_worker", "incident", "incident_event", "incident_image", "ingest_host", "report", "report_link", "report_photo", "track",
            ])
            #expect(try await first.appliedMigrations() == GridSchema.all)
            try await Fixture.seed(first)

            let second = try SQLiteGridStore(path: path)
            #expect(try await second.appliedMigrations() == GridSchema.all)
            #expect(try await second.cells().count == Fixture.cells.count)
            #expect(try await second.integerRaw("PRAGMA foreign_keys") == 1)
        }
    }

    @Test("PostgreSQL: the same migrations by the same names; reopening is a no-op; a newer schema is refused", .enabled(if: TestPostgres.available, "no PostgreSQL server (TestPostgres says why on standard error)"))
    func postgresMigrations() async throws {
        let url = try await TestPostgres.freshDatabase()
        let first = try await PostgresGridStore.connect(url: url, openTimeout: TestPostgres.openTimeout)
        #expect(try await first.appliedMigrations() == GridSchema.all)
        try await Fixture.seed(first)
        // Hosts starting together migrate once (advisory lock).
        let again = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresGridStore.connect(url: url, openTimeout: TestPostgres.openTimeout).appliedMigrations() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(again.allSatisfy { $0 == GridSchema.all })
        #expect(try await first.cells().count == Fixture.cells.count)
        try await first.execute("INSERT INTO kinfinder_migrations (id) VALUES ('v99-from-the-future')")
        let error = await #expect(throws: GridStoreError.self) { try await PostgresGridStore.connect(url: url, openTimeout: TestPostgres.openTimeout) }
        #expect(error?.code == .newerDatabase)
        let unreachable = await #expect(throws: GridStoreError.self) {
            try await PostgresGridStore.connect(url: "postgres://kinfinder@127.0.0.1:1/nowhere", openTimeout: 2)
        }
        #expect(unreachable?.code == .cannotOpen)
        #expect(unreachable?.description.contains("postgres://kinfinder@127.0.0.1:1/nowhere") == true)
    }

    @Test func databaseFromANewerKinfinderIsRefused() async throws {
        try await withTemporaryDatabase { path in
            do {
                let store = try SQLiteGridStore(path: path)
                try await store.executeRaw("INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
            let error = #expect(throws: GridStoreError.self) { try SQLiteGridStore(path: path) }
            #expect(error?.code == .newerDatabase)
            #expect(error?.description.contains("newer Kinfinder") == true)
            #expect(error?.description.contains("v99-from-the-future") == true)
            #expect(error?.description.contains(path) == true)
        }
    }

    @Test func aFileThatIsNotADatabaseCannotBeOpened() async throws {
        try await withTemporaryDatabase { path in
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(String(repeating: "not a database ", count: 300).utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: GridStoreError.self) { try SQLiteGridStore(path: path) }
            #expect(error?.code == .cannotOpen)
            #expect(error?.description.hasPrefix("the database at \(path) could not be opened") == true)

            // A folder that cannot be created: its would-be parent is a regular file.
            let error2 = #expect(throws: GridStoreError.self) { try SQLiteGridStore(path: path + "/inside/grid.sqlite") }
            #expect(error2?.code == .cannotOpen)
        }
    }

    // MARK: Grid and cameras

    @Test(arguments: Engine.all) func gridRoundTripInAnyOrder(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await store.upsertCells(Fixture.cells.reversed())  // children before parents
            let cells = try await store.cells()
            #expect(Set(cells) == Set(Fixture.cells))
            #expect(cells.map(\.level) == cells.map(\.level).sorted())  // parents first
            #expect(try await store.cell(id: "M1") == Fixture.cells.last)
            #expect(try await store.cell(id: "nowhere") == nil)

            // Upsert updates in place.
            try await store.upsertCells([GridCell(id: "C1", name: "Broken Bridge (north)", level: .community, parentID: "S1")])
            #expect(try await store.cell(id: "C1")?.name == "Broken Bridge (north)")
            #expect(try await store.cells().count == Fixture.cells.count)
            try await store.upsertCells([])
        }
    }

    @Test(arguments: Engine.all) func parentMustBeExactlyOneLevelUp(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await store.upsertCells(Fixture.cells)
            let rejected: [(GridCell, String)] = [
                (GridCell(id: "C9", name: "x", level: .community, parentID: "D1"), "parent 'D1' is a district"),
                (GridCell(id: "D9", name: "x", level: .district, parentID: "D1"), "cannot have a parent"),
                (GridCell(id: "S9", name: "x", level: .street), "without a parent"),
                (GridCell(id: "M9", name: "x", level: .microGrid, parentID: "S1"), "must be a community"),
                (GridCell(id: "C9", name: "x", level: .community, parentID: "S404"), "unknown parent 'S404'"),
                (GridCell(id: "C9", name: "x", level: .community, parentID: "C9"), "itself"),
                // Turning street S1 into a community would strand community C1 under it.
                (GridCell(id: "S1", name: "x", level: .community, parentID: "S2"), "'C1'"),
            ]
            for (cell, message) in rejected {
                let error = await #expect(throws: GridStoreError.self, "\(cell)") { try await store.upsertCells([cell]) }
                #expect(error?.code == .invalidGrid)
                #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
            }
            let duplicate = await #expect(throws: GridStoreError.self) {
                try await store.upsertCells([Fixture.cells[0], Fixture.cells[0]])
            }
            #expect(duplicate?.description.contains("listed twice") == true)

            // One bad cell rejects the whole call.
            await #expect(throws: GridStoreError.self) {
                try await store.upsertCells([
                    GridCell(id: "S3", name: "fine", level: .street, parentID: "D1"),
                    GridCell(id: "M3", name: "bad", level: .microGrid, parentID: "S3"),
                ])
            }
            #expect(try await store.cell(id: "S3") == nil)
            #expect(try await store.cells().count == Fixture.cells.count)
        }
    }

    @Test(arguments: Engine.all) func cameraRoundTripAndUnknownCell(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            #expect(try await store.cameras() == Fixture.cameras)
            #expect(try await store.camera(id: "CAM2") == Fixture.cameras[1])
            #expect(try await store.camera(id: "CAM404") == nil)

            var moved = Fixture.cameras[0]
            moved.cellID = "C2"
            moved.url = nil
            try await store.upsertCamera(moved)
            #expect(try await store.camera(id: "CAM1") == moved)

            let error = await #expect(throws: GridStoreError.self) {
                try await store.upsertCamera(Camera(id: "C1", name: "lost", cellID: "X9"))
            }
            #expect(error?.code == .unknownCell)
            #expect(
                error?.description
                    == "camera 'C1' is in unknown grid cell 'X9' (import the grid first: kinfinder grid import FILE)")
            #expect(try await store.camera(id: "C1") == nil)
        }
    }

    // MARK: Reports

    @Test(arguments: Engine.all) func reportRoundTrip(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            var full = Fixture.report()
            full.upper = [.white, .red, .grey]  // order kept
            full.lower = [.black, .blue]
            full.attributes = ReportAttributes(
                headwear: [.red], footwear: [], carried: [.init(kind: .pushchair, colours: [.blue]), .init(kind: .walkingStick, colours: [])],
                build: .slim)
            full.createdAt = Date(timeIntervalSince1970: 1_750_000_123.456_789)  // sub-second part
            let saved = try await store.addReport(full)
            let id = try #require(saved.id)
            let fetched = try #require(try await store.report(id: id))
            #expect(abs(fetched.createdAt.timeIntervalSince(full.createdAt)) < 0.001)
            var expected = saved
            expected.createdAt = fetched.createdAt
            #expect(fetched == expected)
            #expect(fetched.upper == [.white, .red, .grey])
            #expect(fetched.lower == [.black, .blue])
            #expect(fetched.attributes.headwear == [.red] && fetched.attributes.footwear == [])
            #expect(fetched.attributes.carried.map(\.kind) == [.pushchair, .walkingStick])
            #expect(fetched.describedAs == "红色上衣 蓝色裤子 小孩")

            let bare = try await store.addReport(MissingPersonReport(name: "Grandpa Wang", createdAt: Fixture.t0))
            #expect(bare.id != nil && bare.id != id)
            let fetchedBare = try #require(try await store.report(id: bare.id ?? -1))
            #expect(fetchedBare == bare)
            #expect(fetchedBare.ageGroup == nil && fetchedBare.heightCM == nil && fetchedBare.lastSeenAt == nil)
            #expect(fetchedBare.upper.isEmpty && fetchedBare.lower.isEmpty)
            #expect(try await store.report(id: 9999) == nil)

            let error = await #expect(throws: GridStoreError.self) {
                try await store.addReport(Fixture.report(cell: "X9"))
            }
            #expect(error?.code == .unknownCell)
            #expect(error?.description.contains("'X9' (import the grid first: kinfinder grid import FILE)") == true)
        }
    }

    @Test(arguments: Engine.all) func reportStatusFilterAndUpdate(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let a = try await store.addReport(Fixture.report(name: "A"))
            let b = try await store.addReport(Fixture.report(name: "B"))
            let aID = try #require(a.id)
            _ = try await store.closeCase(reportID: aID, outcome: .found, foundIncidentID: nil, foundCellID: nil, by: "zhao", note: "", at: Fixture.t0)
            #expect(try await store.reports(status: .open).map(\.name) == ["B"])
            #expect(try await store.reports(status: .found).map(\.name) == ["A"])
            #expect(try await store.reports(status: .withdrawn).isEmpty)
            #expect(try await store.reports(status: nil).map(\.id) == [a.id, b.id])

            let error = await #expect(throws: GridStoreError.self) {
                try await store.closeCase(reportID: 424_242, outcome: .withdrawn, foundIncidentID: nil, foundCellID: nil, by: "zhao", note: "", at: Fixture.t0)
            }
            #expect(error?.code == .notFound)
            #expect(error?.description.contains("report #424242") == true)
        }
    }

    // MARK: Tracks

    @Test(arguments: Engine.all) func trackUpsertRoundTripKeepsTheID(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            var track = Fixture.track()
            // Awkward bit patterns: subnormal, negative zero, a NaN with payload, the largest float.
            track.descriptor.upper.bins[1] = Float.leastNonzeroMagnitude
            track.descriptor.upper.bins[2] = -0.0
            track.descriptor.upper.bins[3] = Float(bitPattern: 0x7FC0_1234)
            track.descriptor.lower.bins[11] = .greatestFiniteMagnitude
            track.descriptor.lower.bins[0] = 1.0 / 3.0

            let saved = try await store.saveTrack(track)
            let id = try #require(saved.id)
            let fetched = try #require(try await store.tracks(since: nil, cameraID: nil).first)
            #expect(fetched.id == id)
            for lane in 0..<16 {
                #expect(fetched.descriptor.upper.bins[lane].bitPattern == track.descriptor.upper.bins[lane].bitPattern)
                #expect(fetched.descriptor.lower.bins[lane].bitPattern == track.descriptor.lower.bins[lane].bitPattern)
            }
            // NaN ≠ NaN, so compare everything else with the (already checked) upper histograms blanked.
            var lhs = fetched, rhs = saved
            lhs.descriptor.upper = ColourHistogram()
            rhs.descriptor.upper = ColourHistogram()
            #expect(lhs == rhs)
            #expect(fetched.descriptor.upper.pixels == 1234 && fetched.descriptor.lower.pixels == 987)

            // A plain track compares equal as a whole, with and without relative height.
            let plain = try await store.saveTrack(Fixture.track(trackNo: 2))
            let noHeight = try await store.saveTrack(Fixture.track(trackNo: 3, relativeHeight: nil))
            let all = try await store.tracks(since: nil, cameraID: nil)
            #expect(all.count == 3)
            #expect(all.first { $0.id == plain.id } == plain)
            #expect(all.first { $0.id == noHeight.id } == noHeight)
            #expect(all.first { $0.id == noHeight.id }?.descriptor.relativeHeight == nil)
            #expect(all.first { $0.id == plain.id }?.descriptor.relativeHeight == 0.62)

            // Saving the same (camera, run, track number) again updates that row.
            var grown = plain
            grown.id = nil
            grown.lastSeenAt = Fixture.t0.addingTimeInterval(20)
            grown.descriptor.observations = 900
            grown.descriptor.relativeHeight = nil
            let resaved = try await store.saveTrack(grown)
            #expect(resaved.id == plain.id)
            let after = try await store.tracks(since: nil, cameraID: nil)
            #expect(after.count == 3)
            #expect(after.first { $0.id == plain.id } == resaved)

            // Another run of the same camera is another track.
            let otherRun = try await store.saveTrack(Fixture.track(run: "run-B", trackNo: 2))
            #expect(otherRun.id != plain.id)
        }
    }

    @Test(arguments: Engine.all) func nanMeasurementsSurvive(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            var track = Fixture.track()
            track.descriptor.speed = .nan
            track.descriptor.heading = .infinity
            _ = try await store.saveTrack(track)
            let fetched = try #require(try await store.tracks(since: nil, cameraID: nil).first)
            #expect(fetched.descriptor.speed.isNaN)
            #expect(fetched.descriptor.heading == .infinity)
        }
    }

    @Test(arguments: Engine.all) func trackFromUnknownCameraIsRejected(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let error = await #expect(throws: GridStoreError.self) {
                try await store.saveTrack(Fixture.track(camera: "CAM404"))
            }
            #expect(error?.code == .unknownCamera)
            #expect(error?.description.contains("'CAM404'") == true)
        }
    }

    @Test(arguments: Engine.all) func tracksSinceAndCameraFilters(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let t = Fixture.t0
            let a = try await store.saveTrack(Fixture.track(camera: "CAM1", trackNo: 1, lastSeenAt: t.addingTimeInterval(30)))
            let b = try await store.saveTrack(Fixture.track(camera: "CAM2", trackNo: 1, lastSeenAt: t))
            let c = try await store.saveTrack(Fixture.track(camera: "CAM1", trackNo: 2, lastSeenAt: t.addingTimeInterval(-30)))

            #expect(try await store.tracks(since: nil, cameraID: nil).map(\.id) == [c.id, b.id, a.id])  // oldest first
            #expect(try await store.tracks(since: t, cameraID: nil).map(\.id) == [b.id, a.id])  // ≥, so b is in
            #expect(try await store.tracks(since: t.addingTimeInterval(0.001), cameraID: nil).map(\.id) == [a.id])
            #expect(try await store.tracks(since: t.addingTimeInterval(31), cameraID: nil).isEmpty)
            #expect(try await store.tracks(since: nil, cameraID: "CAM1").map(\.id) == [c.id, a.id])
            #expect(try await store.tracks(since: t, cameraID: "CAM1").map(\.id) == [a.id])
            #expect(try await store.tracks(since: nil, cameraID: "CAM404").isEmpty)
        }
    }

    @Test func aDamagedHistogramThrowsInsteadOfCrashing() async throws {
        try await withStore { store in
            try await Fixture.seed(store)
            let damaged = try await store.saveTrack(Fixture.track())
            let good = try await store.saveTrack(Fixture.track(trackNo: 2))
            try await store.executeRaw("UPDATE track SET lower_hist = x'0001020304' WHERE id = \(damaged.id!)")
            // A list leaves the damaged row out (logged and counted) rather than failing as a whole…
            #expect(try await store.tracks(since: nil, cameraID: nil).map(\.id) == [good.id])
            // …and decoding that row says what is wrong with it.
            let id = damaged.id!
            let error = await #expect(throws: GridStoreError.self) {
                try await store.read { db in try Row.fetchOne(db, sql: "SELECT * FROM track WHERE id = ?", arguments: [id]).map(StoredTrack.init(row:)) }
            }
            #expect(error?.code == .corruptData)
            #expect(error?.description.contains("5 bytes") == true)
            #expect(error?.description.contains("lower_hist") == true)

            #expect(throws: GridStoreError.self) { try HistogramBlob.decode(Data(), what: "test") }
            let bins = Fixture.descriptor(trackNo: 1).upper.bins
            #expect(HistogramBlob.encode(bins).count == 48)
            #expect(try HistogramBlob.decode(HistogramBlob.encode(bins), what: "test") == bins)
            // Little-endian on disk: 1.0 is 00 00 80 3F.
            var one = SIMD16<Float>.zero
            one[0] = 1
            #expect(Array(HistogramBlob.encode(one).prefix(4)) == [0x00, 0x00, 0x80, 0x3F])
        }
    }

    @Test func unknownEnumTextThrows() async throws {
        try await withStore { store in
            try await Fixture.seed(store)
            let report = try await store.addReport(Fixture.report())
            try await store.executeRaw("UPDATE report SET upper = 'red,mauve'")
            let error = await #expect(throws: GridStoreError.self) { try await store.report(id: report.id ?? -1) }
            #expect(error?.code == .corruptData)
            #expect(error?.description.contains("'mauve'") == true)
        }
    }

    // MARK: Incidents

    /// Seeds the grid, one report and one track; returns their ids.
    private func seedForIncidents(_ store: any GridStore) async throws -> (report: Int64, track: Int64) {
        try await Fixture.seed(store)
        let report = try #require(try await store.addReport(Fixture.report()).id)
        let track = try #require(try await store.saveTrack(Fixture.track()).id)
        return (report, track)
    }

    @Test(arguments: Engine.all) func incidentIsRaisedOnce(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            let (report, track) = try await seedForIncidents(store)
            let incident = Fixture.incident(report: report, track: track)
            let first = try #require(try await store.raiseIncident(incident))
            #expect(first.id != nil)
            #expect(first == incident.with(id: first.id))
            #expect(try await store.incident(id: first.id ?? -1) == first)
            #expect(try await store.raiseIncident(incident) == nil)
            var rescored = incident
            rescored.score = 0.99
            #expect(try await store.raiseIncident(rescored) == nil)
            #expect(try await store.incidents(IncidentFilter()) == [first])
            #expect(try await store.incident(id: 9999) == nil)
        }
    }

    @Test(arguments: Engine.all) func eightConcurrentRaisesStoreOneIncident(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            let (report, track) = try await seedForIncidents(store)
            let incident = Fixture.incident(report: report, track: track)
            let results = try await withThrowingTaskGroup(of: Incident?.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await store.raiseIncident(incident) }
                }
                var results: [Incident?] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.count == 8)
            #expect(results.compactMap { $0 }.count == 1)
            #expect(try await store.incidents(IncidentFilter(limit: 100)).count == 1)
        }
    }

    @Test(arguments: Engine.all) func incidentReferencesAreChecked(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            let (report, track) = try await seedForIncidents(store)
            let cases: [(Incident, GridStoreError.Code, String)] = [
                (Fixture.incident(report: 777, track: track), .notFound, "report #777"),
                (Fixture.incident(report: report, track: 888), .notFound, "track #888"),
                (Fixture.incident(report: report, track: track, camera: "CAM404"), .unknownCamera, "'CAM404'"),
                (Fixture.incident(report: report, track: track, cell: "X9"), .unknownCell, "'X9'"),
                (Fixture.incident(report: report, track: track, score: .nan), .invalidValue, "score"),
            ]
            for (incident, code, message) in cases {
                let error = await #expect(throws: GridStoreError.self) { try await store.raiseIncident(incident) }
                #expect(error?.code == code)
                #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
            }
            #expect(try await store.incidents(IncidentFilter()).isEmpty)
        }
    }

    @Test(arguments: Engine.all) func incidentStatusUpdates(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            let (report, track) = try await seedForIncidents(store)
            let incident = try #require(try await store.raiseIncident(Fixture.incident(report: report, track: track)))
            let id = try #require(incident.id)
            for status in [IncidentStatus.acknowledged, .falseAlarm, .resolved] {
                try await store.setIncidentStatus(id: id, status: status)
                #expect(try await store.incident(id: id)?.status == status)
            }
            let error = await #expect(throws: GridStoreError.self) {
                try await store.setIncidentStatus(id: id + 100, status: .resolved)
            }
            #expect(error?.code == .notFound)
            #expect(error?.description.contains("incident #\(id + 100)") == true)
        }
    }

    @Test(arguments: Engine.all) func incidentFilters(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let t = Fixture.t0
            let r1 = try #require(try await store.addReport(Fixture.report(name: "Lily")).id)
            let r2 = try #require(try await store.addReport(Fixture.report(name: "Grandpa Wang")).id)
            let k1 = try #require(try await store.saveTrack(Fixture.track(camera: "CAM1", trackNo: 1)).id)
            let k2 = try #require(try await store.saveTrack(Fixture.track(camera: "CAM2", trackNo: 1)).id)

            // i1 oldest … i4 newest.
            let i1 = try #require(try await store.raiseIncident(Fixture.incident(report: r1, track: k1, createdAt: t)))
            let i2 = try #require(
                try await store.raiseIncident(
                    Fixture.incident(report: r1, track: k2, camera: "CAM2", cell: "C2", createdAt: t.addingTimeInterval(10))))
            let i3 = try #require(try await store.raiseIncident(Fixture.incident(report: r2, track: k1, createdAt: t.addingTimeInterval(20))))
            let i4 = try #require(
                try await store.raiseIncident(
                    Fixture.incident(report: r2, track: k2, camera: "CAM2", cell: "C2", createdAt: t.addingTimeInterval(30))))
            try await store.setIncidentStatus(id: i3.id ?? -1, status: .acknowledged)

            func ids(_ filter: IncidentFilter) async throws -> [Int64?] { try await store.incidents(filter).map(\.id) }
            #expect(try await ids(IncidentFilter()) == [i4.id, i3.id, i2.id, i1.id])  // newest first
            #expect(try await ids(IncidentFilter(status: .open)) == [i4.id, i2.id, i1.id])
            #expect(try await ids(IncidentFilter(status: .acknowledged)) == [i3.id])
            #expect(try await ids(IncidentFilter(status: .resolved)) == [])
            #expect(try await ids(IncidentFilter(reportID: r1)) == [i2.id, i1.id])
            #expect(try await ids(IncidentFilter(cameraID: "CAM2")) == [i4.id, i2.id])
            #expect(try await ids(IncidentFilter(cellID: "M1")) == [i3.id, i1.id])
            #expect(try await ids(IncidentFilter(since: t.addingTimeInterval(10))) == [i4.id, i3.id, i2.id])
            #expect(try await ids(IncidentFilter(limit: 2)) == [i4.id, i3.id])
            #expect(try await ids(IncidentFilter(limit: 0)) == [])
            #expect(try await ids(IncidentFilter(status: .open, reportID: r2, cameraID: "CAM2", cellID: "C2", since: t)) == [i4.id])
        }
    }

    // MARK: Sharing

    @Test func twoStoresOnOneFileSeeEachOthersWrites() async throws {
        try await withTemporaryDatabase { path in
            let a = try SQLiteGridStore(path: path)
            let b = try SQLiteGridStore(path: path)
            try await Fixture.seed(a)
            #expect(try await b.cameras() == Fixture.cameras)

            let report = try #require(try await b.addReport(Fixture.report()).id)
            let track = try #require(try await a.saveTrack(Fixture.track()).id)
            #expect(try await a.report(id: report) != nil)
            #expect(try await b.tracks(since: nil, cameraID: nil).map(\.id) == [track])

            // Both race to raise the same incident: one row.
            let incident = Fixture.incident(report: report, track: track)
            let results = try await withThrowingTaskGroup(of: Incident?.self) { group in
                for i in 0..<8 {
                    let store = i.isMultiple(of: 2) ? a : b
                    group.addTask { try await store.raiseIncident(incident) }
                }
                var results: [Incident?] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(results.compactMap { $0 }.count == 1)
            let stored = try #require(results.compactMap { $0 }.first)
            #expect(try await a.incidents(IncidentFilter()) == [stored])
            #expect(try await b.incidents(IncidentFilter()) == [stored])

            try await a.setIncidentStatus(id: stored.id ?? -1, status: .acknowledged)
            #expect(try await b.incident(id: stored.id ?? -1)?.status == .acknowledged)
        }
    }
}

@Suite("Opening one fresh file from many connections at once")
struct ConcurrentOpenTests {
    /// Camera pipelines started together all open (and migrate) a database that does not exist yet.
    @Test func concurrentFirstOpensAllSucceed() async throws {
        try await withTemporaryDatabase { path in
            let stores = try await withThrowingTaskGroup(of: SQLiteGridStore.self) { group in
                for _ in 0..<6 {
                    group.addTask { try SQLiteGridStore(path: path) }
                }
                var stores: [SQLiteGridStore] = []
                for try await store in group { stores.append(store) }
                return stores
            }
            #expect(stores.count == 6)
            for store in stores {
                #expect(try await store.appliedMigrations() == GridSchema.all)
            }
        }
    }
}

@Suite("Times the store cannot read back")
struct UnreadableTimeTests {
    @Test("a time outside 1970–9999 is refused on every write, on every engine", arguments: Engine.all)
    func refusedOnWrite(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let year20261 = Date(timeIntervalSince1970: 577_243_339_800)  // 20261-11-23
            var report = Fixture.report()
            report.lastSeenAt = year20261
            await #expect(throws: GridStoreError.self) { try await store.addReport(report) }
            var track = Fixture.track()
            track.lastSeenAt = year20261
            await #expect(throws: GridStoreError.self) { try await store.saveTrack(track, fence: nil) }
            let saved = try await store.addReport(Fixture.report())
            report = saved
            report.lastSeenAt = Date(timeIntervalSince1970: -86_400 * 365 * 3000)
            await #expect(throws: GridStoreError.self) { try await store.updateReport(report) }
            #expect(try await store.reports(status: nil).map(\.id) == [saved.id])
        }
    }

    @Test("a row with a time this version cannot read is left out of lists, not fatal to them or the dispatcher")
    func unreadableRowSkipped() async throws {
        try await withStore { store in
            try await Fixture.seed(store)
            let good = try await store.addReport(Fixture.report(name: "Lily"))
            let bad = try await store.addReport(Fixture.report(name: "Typo"))
            let trackA = try await store.saveTrack(Fixture.track(trackNo: 1), fence: nil)
            let trackB = try await store.saveTrack(Fixture.track(trackNo: 2), fence: nil)
            let kept = try #require(try await store.raiseIncident(
                Fixture.incident(report: good.id!, track: trackA.id!), sightingWindow: 0, fence: nil))
            let broken = try #require(try await store.raiseIncident(
                Fixture.incident(report: bad.id!, track: trackB.id!), sightingWindow: 0, fence: nil))
            // What an older Kinfinder let through: a five-digit year, which SQLite's date format cannot hold.
            try await store.executeRaw("UPDATE report SET last_seen_at = '20261-11-23 14:30:00.000' WHERE id = \(bad.id!)")
            try await store.executeRaw("UPDATE incident SET seen_at = '20261-11-23 14:30:00.000' WHERE id = \(broken.id!)")
            try await store.executeRaw("UPDATE track SET last_seen_at = '20261-11-23 14:30:00.000' WHERE id = \(trackB.id!)")
            #expect(try await store.reports(status: nil).map(\.name) == ["Lily"])
            #expect(try await store.reports(status: .open).map(\.name) == ["Lily"])
            #expect(try await store.incidents(IncidentFilter()).map(\.id) == [kept.id])
            #expect(try await store.tracks(since: nil, cameraID: nil).map(\.id) == [trackA.id])
            // Asked for by id, the bad row is an error for that row alone.
            await #expect(throws: (any Error).self) { try await store.report(id: bad.id!) }
            #expect(try await store.report(id: good.id!)?.name == "Lily")
        }
    }
}
