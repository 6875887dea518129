import Foundation
import KinfinderTestSupport
import Testing
@testable import GridStore
import Matching

/// An incident's pictures live in the grid database, so every host sharing it can serve them.
@Suite("Incident pictures in the database")
struct IncidentImageTests {
    /// A few bytes that start as a JPEG does (the store checks the marker, not the picture).
    private func jpeg(_ fill: UInt8, count: Int = 64) -> Data { Data([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: fill, count: count)) }

    @Test("saved, read back byte for byte, listed by kind, replaced per kind; refused whole when one is bad", arguments: Engine.all)
    func roundTrip(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let report = try #require(try await store.addReport(Fixture.report(name: "Lily")).id)
            var ids: [Int64] = []
            for n in 1...2 {
                let track = try #require(try await store.saveTrack(Fixture.track(trackNo: n)).id)
                ids.append(try #require(try await store.raiseIncident(Fixture.incident(report: report, track: track))?.id))
            }
            // Binary content with every byte value survives both engines (BLOB / bytea).
            let everyByte = Data([0xFF, 0xD8] + (0...255).map { UInt8($0) } + [0xFF, 0xD9])
            try await store.saveIncidentImages([
                IncidentImage(incidentID: ids[0], kind: .crop, width: 136, height: 344, jpeg: everyByte),
                IncidentImage(incidentID: ids[0], kind: .frame, width: 640, height: 360, jpeg: jpeg(1)),
            ])
            let crop = try #require(try await store.incidentImage(incidentID: ids[0], kind: .crop))
            #expect(crop == IncidentImage(incidentID: ids[0], kind: .crop, width: 136, height: 344, jpeg: everyByte))
            #expect(try await store.incidentImage(incidentID: ids[0], kind: .strip) == nil)
            #expect(try await store.incidentImage(incidentID: ids[1], kind: .crop) == nil)
            #expect(try await store.incidentImageKinds(incidentIDs: ids) == [ids[0]: [.crop, .frame]])
            #expect(try await store.incidentImageKinds(incidentIDs: []) == [:])

            // The same kind again replaces it.
            try await store.saveIncidentImages([IncidentImage(incidentID: ids[0], kind: .frame, width: 320, height: 180, jpeg: jpeg(2))])
            #expect(try await store.incidentImage(incidentID: ids[0], kind: .frame) == IncidentImage(
                incidentID: ids[0], kind: .frame, width: 320, height: 180, jpeg: jpeg(2)))

            // Too large, not a JPEG, no such incident: refused, and nothing of the batch is kept.
            let tooLarge = jpeg(3, count: IncidentImageLimits.maximumBytes)
            for bad in [
                IncidentImage(incidentID: ids[1], kind: .strip, width: 10, height: 10, jpeg: tooLarge),
                IncidentImage(incidentID: ids[1], kind: .strip, width: 10, height: 10, jpeg: Data("not a picture".utf8)),
                IncidentImage(incidentID: ids[1], kind: .strip, width: 0, height: 10, jpeg: jpeg(4)),
                IncidentImage(incidentID: 99_999, kind: .strip, width: 10, height: 10, jpeg: jpeg(5)),
            ] {
                await #expect(throws: GridStoreError.self) {
                    try await store.saveIncidentImages([IncidentImage(incidentID: ids[1], kind: .crop, width: 10, height: 10, jpeg: jpeg(6)), bad])
                }
            }
            #expect(try await store.incidentImageKinds(incidentIDs: [ids[1]]) == [:])
        }
    }
}
