import Foundation
import KinfinderTestSupport
import Testing
@testable import GridStore
import Matching

/// Ending a case: found (through a lead, or from the report) and withdrawn close the report and
/// every lead still being looked at, with an event each, and stop their dispatch.
@Suite("The case lifecycle")
struct CaseTests {
    let t0 = Fixture.t0

    /// A report with four leads: #0 and #1 dispatched (#1 acknowledged), #2 not yet dispatched,
    /// #3 already a false alarm; and a second report with one open lead.
    private func seedCase(_ store: any GridStore) async throws -> (report: Int64, leads: [Int64], other: Int64, otherLead: Int64) {
        try await Fixture.seed(store)
        let report = try #require(try await store.addReport(Fixture.report(name: "Lily")).id)
        let other = try #require(try await store.addReport(Fixture.report(name: "Tom")).id)
        var leads: [Int64] = []
        for n in 1...4 {
            let track = try #require(try await store.saveTrack(Fixture.track(trackNo: n)).id)
            leads.append(try #require(try await store.raiseIncident(
                Fixture.incident(report: report, track: track, createdAt: t0.addingTimeInterval(Double(n))))?.id))
        }
        let track = try #require(try await store.saveTrack(Fixture.track(trackNo: 9)).id)
        let otherLead = try #require(try await store.raiseIncident(Fixture.incident(report: other, track: track))?.id)
        for id in leads[0...1] + [otherLead] {
            #expect(try await store.startDispatch(
                Dispatch(incidentID: id, cellID: "M1", respondBy: t0.addingTimeInterval(300), resolveBy: t0.addingTimeInterval(3600)), at: t0))
        }
        _ = try await store.acknowledge(incidentID: leads[1], by: "wang.li", at: t0.addingTimeInterval(10))
        _ = try await store.resolve(incidentID: leads[3], outcome: .falseAlarm, by: "wang.li", note: "another child", at: t0.addingTimeInterval(20))
        return (report, leads, other, otherLead)
    }

    @Test("found through a lead: the report, that lead and every other active lead close; dispatch stops", arguments: Engine.all)
    func foundThroughALead(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            let c = try await seedCase(store)
            let at = t0.addingTimeInterval(60)
            let found = try await store.resolve(incidentID: c.leads[1], outcome: .resolved, by: "wang.li", note: "with his mother at the gate", at: at)
            #expect(found.status == .resolved)

            #expect(try await store.report(id: c.report)?.status == .found)
            let closure = try #require(try await store.caseClosure(reportID: c.report))
            #expect(closure == CaseClosure(
                reportID: c.report, outcome: .found, closedBy: "wang.li", closedAt: at, note: "with his mother at the gate",
                foundIncidentID: c.leads[1], foundCellID: "M1"))
            let statuses = try await c.leads.asyncMap { try await store.incident(id: $0)?.status }
            #expect(statuses == [.caseClosed, .resolved, .caseClosed, .falseAlarm])
            // One event each, by who closed the case; the false alarm keeps its history.
            #expect(try await store.events(incidentID: c.leads[0]).map(\.kind) == [.assigned, .caseClosed])
            let closedEvent = try #require(try await store.events(incidentID: c.leads[0]).last)
            #expect(closedEvent.actor == "wang.li" && closedEvent.detail == "report \(c.report) found through incident \(c.leads[1]) in M1")
            #expect(try await store.events(incidentID: c.leads[1]).map(\.kind) == [.assigned, .acknowledged, .resolved])
            #expect(try await store.events(incidentID: c.leads[2]).map(\.kind) == [.caseClosed])
            #expect(try await store.events(incidentID: c.leads[3]).map(\.kind) == [.falseAlarm])
            // Dispatch stops: nothing is due however late it gets, nothing is left to dispatch, and
            // the dispatch rows say who closed them.
            #expect(try await store.dueDispatches(now: t0.addingTimeInterval(1_000_000)).map(\.incidentID) == [c.otherLead])
            #expect(try await store.undispatchedIncidents(limit: 10).isEmpty)
            #expect(try await store.dispatch(incidentID: c.leads[0])?.resolvedBy == "wang.li")
            // The other report is untouched.
            #expect(try await store.report(id: c.other)?.status == .open)
            #expect(try await store.incident(id: c.otherLead)?.status == .open)
            #expect(try await store.caseClosure(reportID: c.other) == nil)
        }
    }

    @Test("no lead is raised for a closed case, and a closed lead cannot be acted on", arguments: Engine.all)
    func closedCaseTakesNoLeads(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            let c = try await seedCase(store)
            let closed = try await store.closeCase(
                reportID: c.report, outcome: .withdrawn, foundIncidentID: nil, foundCellID: nil, by: "zhao", note: "family found him", at: t0)
            #expect(closed.closedIncidentIDs == [c.leads[0], c.leads[1], c.leads[2]])
            #expect(closed.closure.outcome == .withdrawn && closed.closure.foundCellID == nil)
            let detail = try await store.events(incidentID: c.leads[0]).last?.detail
            #expect(detail == "report \(c.report) withdrawn")

            let track = try #require(try await store.saveTrack(Fixture.track(trackNo: 20)).id)
            #expect(try await store.raiseIncident(Fixture.incident(report: c.report, track: track)) == nil)
            #expect(try await store.incidents(IncidentFilter(reportID: c.report)).count == 4)

            var error = await #expect(throws: GridStoreError.self) {
                try await store.acknowledge(incidentID: c.leads[0], by: "wang.li", at: t0)
            }
            #expect(error?.description.contains("case-closed") == true)
            error = await #expect(throws: GridStoreError.self) {
                try await store.resolve(incidentID: c.leads[2], outcome: .resolved, by: "wang.li", note: "", at: t0)
            }
            #expect(error?.code == .invalidValue && error?.description.contains("already closed (case-closed)") == true)
            error = await #expect(throws: GridStoreError.self) {
                try await store.closeCase(reportID: c.report, outcome: .found, foundIncidentID: nil, foundCellID: "M1", by: "zhao", note: "", at: t0)
            }
            #expect(error?.code == .invalidValue && error?.description.contains("already withdrawn") == true)
        }
    }

    @Test("closing refuses what makes no sense, and writes nothing then", arguments: Engine.all)
    func refusals(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            let c = try await seedCase(store)
            func refused(_ code: GridStoreError.Code, _ words: String, _ body: () async throws -> CaseClosed) async {
                let error = await #expect(throws: GridStoreError.self) { try await body() }
                #expect(error?.code == code && error?.description.contains(words) == true, "\(String(describing: error))")
            }
            await refused(.notFound, "report #424242") {
                try await store.closeCase(reportID: 424_242, outcome: .found, foundIncidentID: nil, foundCellID: nil, by: "zhao", note: "", at: t0)
            }
            await refused(.invalidValue, "not of report \(c.report)") {
                try await store.closeCase(reportID: c.report, outcome: .found, foundIncidentID: c.otherLead, foundCellID: nil, by: "zhao", note: "", at: t0)
            }
            await refused(.invalidValue, "already closed (false-alarm)") {
                try await store.closeCase(reportID: c.report, outcome: .found, foundIncidentID: c.leads[3], foundCellID: nil, by: "zhao", note: "", at: t0)
            }
            await refused(.invalidValue, "only a found case") {
                try await store.closeCase(reportID: c.report, outcome: .withdrawn, foundIncidentID: c.leads[0], foundCellID: nil, by: "zhao", note: "", at: t0)
            }
            await refused(.invalidValue, "not open") {
                try await store.closeCase(reportID: c.report, outcome: .open, foundIncidentID: nil, foundCellID: nil, by: "zhao", note: "", at: t0)
            }
            await refused(.unknownCell, "X9") {
                try await store.closeCase(reportID: c.report, outcome: .found, foundIncidentID: nil, foundCellID: "X9", by: "zhao", note: "", at: t0)
            }
            #expect(try await store.report(id: c.report)?.status == .open)
            #expect(try await store.caseClosure(reportID: c.report) == nil)
            let statuses = try await c.leads.asyncMap { try await store.incident(id: $0)?.status }
            #expect(statuses == [.open, .acknowledged, .open, .falseAlarm])

            // Found from the report, naming the place: the cell is kept, every active lead closes.
            let closed = try await store.closeCase(
                reportID: c.report, outcome: .found, foundIncidentID: nil, foundCellID: "C1", by: "zhao", note: "at the desk", at: t0)
            #expect(closed.closure.foundCellID == "C1" && closed.closedIncidentIDs.count == 3)
        }
    }

    @Test("a case closing while cameras raise leads for it leaves no lead active", arguments: Engine.all)
    func closingRacesRaising(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let report = try #require(try await store.addReport(Fixture.report()).id)
            var tracks: [Int64] = []
            for n in 1...24 { tracks.append(try #require(try await store.saveTrack(Fixture.track(trackNo: n)).id)) }
            let t0 = self.t0
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, track) in tracks.enumerated() {
                    group.addTask {
                        _ = try await store.raiseIncident(Fixture.incident(report: report, track: track, createdAt: t0.addingTimeInterval(Double(i))))
                    }
                    if i == tracks.count / 2 {
                        group.addTask {
                            _ = try await store.closeCase(
                                reportID: report, outcome: .found, foundIncidentID: nil, foundCellID: "M1", by: "zhao", note: "", at: t0)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let leads = try await store.incidents(IncidentFilter(reportID: report))
            #expect(leads.allSatisfy { $0.status == .caseClosed }, "\(leads.map(\.status))")
            for lead in leads {
                #expect(try await store.events(incidentID: lead.id ?? 0).map(\.kind) == [.caseClosed])
            }
        }
    }
}

extension CaseTests {
    @Test("upgrading: leads of reports closed before cases closed their leads are closed by the migration")
    func migrationClosesLeadsOfClosedReports() async throws {
        try await withTemporaryDatabase { path in
            let c: (report: Int64, leads: [Int64], other: Int64, otherLead: Int64)
            do {
                let store = try SQLiteGridStore(path: path)
                c = try await seedCase(store)
                // What a v9 database looks like after `reports close`: the report found, its leads still open.
                try await store.executeRaw("""
                    UPDATE report SET status = 'found' WHERE id = \(c.report);
                    DROP TABLE case_closure;
                    ALTER TABLE duty_post DROP COLUMN phone;
                    DELETE FROM grdb_migrations WHERE identifier = '\(GridSchema.v10)';
                    """)
            }
            let store = try SQLiteGridStore(path: path)
            #expect(try await store.appliedMigrations() == GridSchema.all)
            let statuses = try await c.leads.asyncMap { try await store.incident(id: $0)?.status }
            #expect(statuses == [.caseClosed, .caseClosed, .caseClosed, .falseAlarm])
            #expect(try await store.incident(id: c.otherLead)?.status == .open)
            #expect(try await store.dueDispatches(now: t0.addingTimeInterval(1_000_000)).map(\.incidentID) == [c.otherLead])
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
