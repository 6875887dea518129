import Foundation
@testable import GridStore
import KinfinderTestSupport
import Testing

@Suite("Grid store: map positions and track change order")
struct LocationSequenceTests {
    @Test("cells and cameras keep their positions; saving without one keeps the stored position", arguments: Engine.all)
    func positions(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let bridge = try #require(GeoPoint(latitude: 30.2590, longitude: 120.1516))
            var cell = try #require(try await store.cell(id: "M1"))
            #expect(cell.location == nil)
            cell.location = bridge
            try await store.upsertCells([cell])
            #expect(try await store.cell(id: "M1")?.location == bridge)
            cell.location = nil
            cell.name = "renamed"
            try await store.upsertCells([cell])
            #expect(try await store.cell(id: "M1")?.location == bridge, "no position given: kept")

            let spot = bridge.offset(east: 300, north: 400)
            try await store.upsertCamera(Camera(id: "CAM1", name: "Bridge east", cellID: "M1", location: spot))
            try await store.upsertCamera(Camera(id: "CAM1", name: "Bridge east", cellID: "M1"))
            let camera = try #require(try await store.camera(id: "CAM1"))
            #expect(camera.location == spot)
            // 300 m east and 400 m north: 500 m, within the approximation's 0.1 %.
            #expect(abs(bridge.distance(to: spot) - 500) < 0.5)
            #expect(GeoPoint(latitude: 91, longitude: 0) == nil && GeoPoint(latitude: 0, longitude: -181) == nil)
        }
    }

    @Test("every save of a track takes the next change number; the index reads changes in order and by id", arguments: Engine.all)
    func sequence(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let a = try await store.saveTrack(Fixture.track(trackNo: 1))
            let b = try await store.saveTrack(Fixture.track(trackNo: 2))
            #expect(a.sequence == 1 && b.sequence == 2)
            var again = Fixture.track(trackNo: 1)
            again.lastSeenAt = again.lastSeenAt.addingTimeInterval(10)
            let a2 = try await store.saveTrack(again)
            #expect(a2.id == a.id && a2.sequence == 3, "an update moves the track to the end of the change order")
            let changes = try await store.tracks(afterSequence: 1, limit: 10)
            #expect(changes.map(\.id) == [b.id, a.id])
            #expect(changes.map(\.sequence) == [2, 3])
            #expect(try await store.tracks(afterSequence: 0, limit: 1).map(\.id) == [b.id])
            #expect(try await store.tracks(afterSequence: 3, limit: 10).isEmpty)
            let byID = try await store.tracks(ids: [a.id!, 999, b.id!])
            #expect(Set(byID.map(\.id)) == [a.id, b.id])
            #expect(try await store.tracks(ids: []).isEmpty)
        }
    }
}
