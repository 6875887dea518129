import Foundation
import KinfinderTestSupport
import Testing
@testable import GridStore

@Suite("Grid store: camera status")
struct CameraStatusTests {
    @Test("a camera's status is replaced, not appended, and reads back field for field", arguments: Engine.all)
    func roundTrip(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            var s = CameraStatus(
                cameraID: "CAM1", state: .live, stateSince: Fixture.t0, reporter: "host-a:42", inputFPS: 25, analysedFPS: 10,
                framesIn: 1000, framesAnalysed: 400, framesDropped: 3, framesSkipped: 597, corruptPackets: 1, reconnects: 2,
                lagP50: 40, lagP99: 180, lastFrameAt: Fixture.t0.addingTimeInterval(40), updatedAt: Fixture.t0.addingTimeInterval(41))
            try await store.updateCameraStatus(s)
            s.state = .backingOff
            s.reason = "connection lost"
            s.lagP50 = nil
            try await store.updateCameraStatus(s)
            let all = try await store.cameraStatuses()
            #expect(all == [s])
        }
    }

    @Test("a status for a camera that is not in the grid is refused with the camera's name", arguments: Engine.all)
    func unknownCamera(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            await #expect(throws: GridStoreError.self) {
                try await store.updateCameraStatus(CameraStatus(
                    cameraID: "NOPE", state: .live, stateSince: Fixture.t0, reporter: "x", updatedAt: Fixture.t0))
            }
            #expect(try await store.cameraStatuses().isEmpty)
        }
    }
}
