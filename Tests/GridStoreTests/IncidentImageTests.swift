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

    @Test("a report's photo: kept, replaced, listed; refused for an unknown report or a non-JPEG", arguments: Engine.all)
    func reportPhoto(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let lily = try #require(try await store.addReport(Fixture.report(name: "Lily")).id)
            let tom = try #require(try await store.addReport(Fixture.report(name: "Tom")).id)
            let at = Fixture.t0
            try await store.saveReportPhoto(ReportPhoto(reportID: lily, width: 480, height: 640, jpeg: jpeg(7), addedAt: at))
            try await store.saveReportPhoto(ReportPhoto(reportID: lily, width: 720, height: 960, jpeg: jpeg(8), addedAt: at.addingTimeInterval(5)))
            #expect(try await store.reportPhoto(reportID: lily) == ReportPhoto(
                reportID: lily, width: 720, height: 960, jpeg: jpeg(8), addedAt: at.addingTimeInterval(5)))
            #expect(try await store.reportPhoto(reportID: tom) == nil)
            #expect(try await store.reportsWithPhotos(ids: [lily, tom, 12345]) == [lily])
            await #expect(throws: GridStoreError.self) {
                try await store.saveReportPhoto(ReportPhoto(reportID: 12345, width: 1, height: 1, jpeg: jpeg(9), addedAt: at))
            }
            await #expect(throws: GridStoreError.self) {
                try await store.saveReportPhoto(ReportPhoto(reportID: tom, width: 1, height: 1, jpeg: Data([1, 2, 3]), addedAt: at))
            }
            #expect(try await store.reportsWithPhotos(ids: [tom]).isEmpty)
        }
    }
}

/// "Reviewed" marks: someone looked at a lead's evidence; its status does not change.
@Suite("Reviewed marks on leads")
struct ReviewTests {
    @Test("a review is an event in the responsible cell, at any status; the newest per lead is listed", arguments: Engine.all)
    func reviews(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let t0 = Fixture.t0
            let report = try #require(try await store.addReport(Fixture.report(name: "Lily")).id)
            var ids: [Int64] = []
            for n in 1...3 {
                let track = try #require(try await store.saveTrack(Fixture.track(trackNo: n)).id)
                ids.append(try #require(try await store.raiseIncident(Fixture.incident(report: report, track: track))?.id))
            }
            #expect(try await store.startDispatch(
                Dispatch(incidentID: ids[0], cellID: "M1", respondBy: t0.addingTimeInterval(300), resolveBy: t0.addingTimeInterval(3600)), at: t0))
            _ = try await store.review(incidentID: ids[0], by: "zhao", note: "", at: t0.addingTimeInterval(10))
            let second = try await store.review(incidentID: ids[0], by: "wang.li", note: "not her: a boy", at: t0.addingTimeInterval(20))
            #expect(second.kind == .reviewed && second.cellID == "M1")
            // A closed lead can be reviewed too.
            _ = try await store.resolve(incidentID: ids[1], outcome: .falseAlarm, by: "zhao", note: "", at: t0.addingTimeInterval(30))
            _ = try await store.review(incidentID: ids[1], by: "zhao", note: "checked the strip", at: t0.addingTimeInterval(40))

            let marks = try await store.reviews(incidentIDs: ids)
            #expect(Set(marks.keys) == [ids[0], ids[1]])
            #expect(marks[ids[0]]?.actor == "wang.li" && marks[ids[0]]?.detail == "not her: a boy" && marks[ids[0]]?.at == t0.addingTimeInterval(20))
            #expect(marks[ids[1]]?.detail == "checked the strip")
            #expect(try await store.incident(id: ids[0])?.status == .open)
            #expect(try await store.incident(id: ids[1])?.status == .falseAlarm)
            #expect(try await store.events(incidentID: ids[0]).map(\.kind) == [.assigned, .reviewed, .reviewed])

            await #expect(throws: GridStoreError.self) { try await store.review(incidentID: 99_999, by: "zhao", note: "", at: t0) }
            await #expect(throws: GridStoreError.self) {
                try await store.review(incidentID: ids[2], by: "zhao", note: String(repeating: "x", count: 2001), at: t0)
            }
            #expect(try await store.reviews(incidentIDs: [ids[2]]).isEmpty)
        }
    }
}
