import GridStore
import Hummingbird
import Matching

/// What a signed-in person may see and do.
///
/// - An **operator** (command centre) sees and acts on everything.
/// - A **grid worker** answers for their cell and every cell below it (a community worker covers
///   its micro-grids, a micro-grid worker only their own): they see, acknowledge and close only the
///   incidents seen there (escalation moves an incident up the grid, so its cell stays inside the
///   subtree of whoever holds it), and the live stream carries only those.
/// - Every signed-in person may read the reports (the whole grid looks for the person), but a
///   family's **contact** goes only to operators and to the workers of a cell that has the case: a
///   cell where one of its incidents was seen, or where the family said the person was last seen.
///   Only they may change or close the report.
struct Access: Sendable {
    let worker: GridWorker
    /// The worker's cell and every cell below it; `nil` for operators (the whole grid).
    let cells: Set<String>?
    /// The worker's cell and every cell above it: the levels whose dispatch this worker holds.
    let chain: Set<String>
    /// The grid, by id (levels and parents for views).
    let grid: [String: GridCell]

    init(_ worker: GridWorker, grid: [GridCell]) {
        self.worker = worker
        let byID = Dictionary(uniqueKeysWithValues: grid.map { ($0.id, $0) })
        self.grid = byID
        var up: Set<String> = []
        var c: String? = worker.cellID
        while let id = c, up.insert(id).inserted { c = byID[id]?.parentID }
        chain = up
        guard worker.role != .operator else {
            cells = nil
            return
        }
        var children: [String: [String]] = [:]
        for c in grid { if let parent = c.parentID { children[parent, default: []].append(c.id) } }
        var covered: Set<String> = []
        var next = [worker.cellID]
        while let id = next.popLast() {
            guard covered.insert(id).inserted else { continue }
            next += children[id] ?? []
        }
        cells = covered
    }

    /// The signed-in worker's access (401 without a sign-in).
    static func of(_ context: ServerContext, store: any GridStore) async throws -> Access {
        Access(try context.requireWorker(), grid: try await store.cells())
    }

    var isOperator: Bool { cells == nil }

    /// The covered cells as a list filter; `nil` (no filter) for operators.
    var cellFilter: [String]? { cells.map { $0.sorted() } }

    func covers(_ cellID: String) -> Bool { cells?.contains(cellID) ?? true }

    /// Whether the incident is this worker's to act on now (`assigned=me`): seen in their part of the
    /// grid and dispatched to their cell or a level above it. Escalation adds a level and takes it
    /// from nobody: the micro-grid's worker keeps it when it climbs to the community. Before
    /// dispatch, the workers of the incident's own cell hold it. Operators hold everything.
    func holds(_ incident: Incident, dispatch: Dispatch?) -> Bool {
        guard !isOperator else { return true }
        return covers(incident.cellID) && chain.contains(dispatch?.cellID ?? incident.cellID)
    }

    /// 403 unless the incident was seen in a covered cell.
    func check(_ incident: Incident) throws {
        guard covers(incident.cellID) else {
            throw HTTPError(
                .forbidden,
                message: "incident \(incident.id ?? 0) was seen in cell \(incident.cellID), outside \(worker.cellID) and the cells below it: the command centre or that cell's workers handle it")
        }
    }

    /// 403 unless `cellID` is covered (a list filter naming another part of the grid).
    func check(cell cellID: String) throws {
        guard covers(cellID) else {
            throw HTTPError(.forbidden, message: "cell: \(cellID) is outside \(worker.cellID) and the cells below it")
        }
    }

    /// The reports among `reports` whose case this worker's cells have (all of them for operators).
    func cases(_ reports: [MissingPersonReport], store: any GridStore) async throws -> Set<Int64> {
        let ids = reports.compactMap(\.id)
        guard let cells else { return Set(ids) }
        var mine = Set(reports.filter { r in r.lastSeenCell.map(cells.contains) ?? false }.compactMap(\.id))
        let rest = ids.filter { !mine.contains($0) }
        if !rest.isEmpty { mine.formUnion(try await store.reportsSeen(in: cells.sorted(), among: rest)) }
        return mine
    }

    /// 403 unless this worker's cells have the report's case.
    func checkCase(_ report: MissingPersonReport, store: any GridStore) async throws {
        guard try await cases([report], store: store).contains(report.id ?? 0) else {
            throw HTTPError(
                .forbidden,
                message: "report \(report.id ?? 0) has no incident in \(worker.cellID) or the cells below it, and was not last seen there: the command centre handles it")
        }
    }
}
