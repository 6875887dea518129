public import Foundation
public import GridStore
public import Hummingbird
import KinfinderCore
import Logging
public import Matching
import Metrics
import Description

/// The JSON API under `/api/v1`, documented in `docs/openapi.yaml` (served at `/openapi.yaml`).
struct API {
    let store: any GridStore
    let colourModel: ColourNameModel
    let colourTable: [UInt8]
    let dataDirectory: String
    let retro: RetroSearch?
    let reportLimiter: RateLimiter
    let mapTiles: MapTiles?
    let loginThrottle = LoginThrottle()
    let passwords = PasswordChecker()
    let sessionLifetime: TimeInterval = 12 * 3600

    func register(on router: Router<ServerContext>) {
        let api = router.group("api/v1")
        api.post("login", use: login)
        api.post("logout", use: logout)
        api.get("grid", use: grid)
        api.get("overview", use: overview)
        api.post("reports", use: createReport)
        api.post("reading", use: readDescription)
        api.get("reports", use: listReports)
        api.get("reports/{id}", use: getReport)
        api.patch("reports/{id}", use: updateReport)
        api.post("reports/{id}/close", use: closeReport)
        api.get("reports/{id}/case", use: getCase)
        api.get("family/{token}", use: family)
        api.put("family/{token}/photo", use: familyPhoto)
        api.put("reports/{id}/photo", use: putReportPhoto)
        api.get("reports/{id}/photo", use: getReportPhoto)
        api.post("photo-colours", use: photoColours)
        api.get("incidents", use: listIncidents)
        api.get("incidents/{id}", use: getIncident)
        api.get("incidents/{id}/snapshot", use: snapshot)
        api.post("incidents/{id}/acknowledge", use: acknowledge)
        api.post("incidents/{id}/resolve", use: resolve)
        api.post("incidents/{id}/review", use: review)
    }

    // MARK: Access

    @Sendable func login(_ request: Request, context: ServerContext) async throws -> LoginResult {
        try requireJSON(request)
        let input = try await request.decode(as: LoginInput.self, context: context)
        let account = input.worker.lowercased()
        if let wait = await loginThrottle.admit(account: account, address: context.clientAddress) {
            throw tooManyRequests("login-rate", wait: wait) { "too many sign-in attempts: try again in \($0) s" }
        }
        let found = try await store.worker(id: input.worker)
        // Checked even when there is no such worker, so the refusal takes as long either way.
        guard try await passwords.verify(input.password, hash: found?.1), let (worker, _) = found else {
            await loginThrottle.failed(account: account)
            throw HTTPError(.unauthorized, message: "unknown worker or wrong password")
        }
        await loginThrottle.succeeded(account: account)
        let token = Secrets.newToken()
        let expires = Date().addingTimeInterval(sessionLifetime)
        try await store.createSession(tokenDigest: Secrets.digest(token), workerID: worker.id, expiresAt: expires, at: Date())
        return LoginResult(token: token, worker: WorkerView(worker), expiresAt: expires)
    }

    @Sendable func logout(_ request: Request, context: ServerContext) async throws -> HTTPResponse.Status {
        _ = try context.requireWorker()
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            try await store.deleteSession(tokenDigest: Secrets.digest(String(header.dropFirst(7))))
        }
        return .noContent
    }

    // MARK: Grid

    @Sendable func grid(_ request: Request, context: ServerContext) async throws -> GridView {
        let cells = try await store.cells()
        var children: [String: [GridCell]] = [:]
        for c in cells { children[c.parentID ?? "", default: []].append(c) }
        func tree(_ c: GridCell) -> CellView {
            CellView(
                id: c.id, name: c.name, level: c.level.rawValue, parentID: c.parentID, latitude: c.location?.latitude,
                longitude: c.location?.longitude, children: (children[c.id] ?? []).map(tree))
        }
        let statuses = Dictionary(try await store.cameraStatuses().map { ($0.cameraID, $0) }, uniquingKeysWith: { a, _ in a })
        let cameras = try await store.cameras().map {
            CameraView(
                id: $0.id, name: $0.name, cellID: $0.cellID, state: statuses[$0.id]?.state.rawValue, reason: statuses[$0.id]?.reason,
                latitude: $0.location?.latitude, longitude: $0.location?.longitude)
        }
        // Who works where is for signed-in people only.
        let workers = context.worker == nil ? nil : try await store.workers().map(WorkerView.init)
        let posts = try await store.dutyPosts().map {
            PostView(
                id: $0.id, name: $0.name, cellID: $0.cellID, kind: $0.kind.rawValue, phone: $0.phone, latitude: $0.location?.latitude,
                longitude: $0.location?.longitude)
        }
        return GridView(
            cells: (children[""] ?? []).map(tree), cameras: cameras, workers: workers, posts: posts,
            mapTiles: mapTiles.map { .init(url: $0.template, attribution: $0.attribution) })
    }

    @Sendable func overview(_ request: Request, context: ServerContext) async throws -> OverviewView {
        _ = try context.requireWorker()
        let cells = try await store.cells()
        let byID = Dictionary(uniqueKeysWithValues: cells.map { ($0.id, $0) })
        let active = try await store.incidents(IncidentFilter(status: .open, limit: 10_000))
            + store.incidents(IncidentFilter(status: .acknowledged, limit: 10_000))
        let dispatches = Dictionary(
            uniqueKeysWithValues: try await store.dispatches(incidentIDs: active.compactMap(\.id)).map { ($0.incidentID, $0) })
        var open: [String: Int] = [:], overdue: [String: Int] = [:]
        let now = Date()
        var overdueTotal = 0
        for i in active {
            let d = i.id.flatMap { dispatches[$0] }
            let late = d.map { $0.responseOverdue || $0.resolutionOverdue || ($0.acknowledgedAt == nil && $0.respondBy < now) || $0.resolveBy < now } ?? false
            if late { overdueTotal += 1 }
            // Count the incident in its own cell and every cell above it.
            var cell: String? = i.cellID
            while let c = cell, let node = byID[c] {
                open[c, default: 0] += 1
                if late { overdue[c, default: 0] += 1 }
                cell = node.parentID
            }
        }
        let handled = try await store.handledCounts()
        var onDuty: [String: Int] = [:]
        for w in try await store.workers() { onDuty[w.cellID, default: 0] += 1 }
        return OverviewView(
            cells: cells.map {
                .init(cellID: $0.id, name: $0.name, level: $0.level.rawValue, open: open[$0.id] ?? 0, overdue: overdue[$0.id] ?? 0,
                      onDuty: onDuty[$0.id] ?? 0)
            },
            handledByLevel: Dictionary(uniqueKeysWithValues: handled.map { ($0.key.rawValue, $0.value) }),
            openIncidents: active.count, overdueIncidents: overdueTotal)
    }

    // MARK: Reports

    @Sendable func createReport(_ request: Request, context: ServerContext) async throws -> EditedResponse<ReportCreated> {
        try requireJSON(request)
        let input = try await request.decode(as: ReportInput.self, context: context)
        var (report, reading) = try await build(input, onto: MissingPersonReport(name: "unnamed"))
        report.lastSeenAt = report.lastSeenAt ?? Date()
        if context.worker == nil, let wait = await reportLimiter.take(context.clientAddress) {
            // Every report raises and dispatches incidents: one address cannot file hundreds.
            throw tooManyRequests("report-rate", wait: wait) { "too many reports from this address: try again in \($0) s, or ask at a duty post" }
        }
        let saved = try await store.addReport(report)
        let token = Secrets.newToken()
        try await store.createReportLink(reportID: saved.id ?? 0, tokenDigest: Secrets.digest(token), at: Date())
        Counter(label: "kinfinder_reports_filed_total").increment()
        // The person may already have walked past cameras: search the stored tracks at once.
        var hits = 0
        var raised: [Int64] = []
        if let retro {
            let result = try await retro.search(saved, limit: 10)
            hits = result.hits.filter { $0.total >= retro.matcher.configuration.threshold }.count
            raised = try await retro.raise(result.hits, for: saved).compactMap(\.id)
        }
        return EditedResponse(
            status: .created,
            response: ReportCreated(
                report: ReportView(saved), familyLink: "/family/\(token)", retroHits: hits, incidentsRaised: raised,
                unparsedWords: reading?.unparsed ?? [], reading: reading))
    }

    /// How a description is read, for the family form to show back as they type; nothing is stored.
    @Sendable func readDescription(_ request: Request, context: ServerContext) async throws -> ReadingView {
        try requireJSON(request)
        let input = try await request.decode(as: ReadingInput.self, context: context)
        return ReadingView(try read(input.describe, filing: false))
    }

    /// Reads `describe`; bad input is a 400 naming the field.
    private func read(_ text: String, filing: Bool) throws -> DescriptionReading {
        guard text.count <= 500 else { throw HTTPError(.badRequest, message: "describe: at most 500 characters") }
        do {
            let reader = DescriptionReader(model: colourModel)
            return try filing ? reader.readForFiling(text) : reader.read(text)
        } catch let e as MatchingError {
            throw HTTPError(.badRequest, message: "describe: \(e.description)")
        }
    }

    /// Applies the input's fields to `base`; validation errors are 400s naming the field.
    private func build(_ input: ReportInput, onto base: MissingPersonReport) async throws -> (MissingPersonReport, DescriptionReading?) {
        var report = base
        var reading: DescriptionReading?
        if let name = input.name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= 100 else { throw HTTPError(.badRequest, message: "name: 1 to 100 characters") }
            if let why = PlainText.problem(trimmed) { throw HTTPError(.badRequest, message: "name: \(why)") }
            report.name = trimmed
        }
        if let text = input.describe {
            let parsed = try read(text, filing: true)
            report.describedAs = text
            if !parsed.upper.isEmpty { report.upper = parsed.upper }
            if !parsed.lower.isEmpty { report.lower = parsed.lower }
            report.ageGroup = parsed.ageGroup ?? report.ageGroup
            report.heightCM = parsed.heightCM ?? report.heightCM
            report.attributes = parsed.attributes
            reading = parsed
        }
        func colours(_ words: [String], _ field: String) throws -> [ColourName] {
            guard words.count <= 4 else { throw HTTPError(.badRequest, message: "\(field): at most 4 colours") }
            return try words.flatMap { word in
                do {
                    return try colourModel.colourNames(for: word)
                } catch {
                    throw HTTPError(.badRequest, message: "\(field): '\(word)' is not a colour Kinfinder knows (red, 红, navy …)")
                }
            }
        }
        if let upper = input.upper { report.upper = try colours(upper, "upper") }
        if let lower = input.lower { report.lower = try colours(lower, "lower") }
        if let age = input.ageGroup {
            guard let a = AgeGroup(rawValue: age) else { throw HTTPError(.badRequest, message: "ageGroup: child, adult or elderly") }
            report.ageGroup = a
        }
        if let h = input.heightCM {
            guard HeightText.plausible.contains(h) else { throw HTTPError(.badRequest, message: "heightCM: 40 to 230") }
            report.heightCM = h
        }
        if let text = input.height {
            guard let h = HeightText.centimetres(text, reader: DescriptionReader(model: colourModel)) else {
                throw HTTPError(.badRequest, message: "height: cannot read '\(text.prefix(40))' as a height (110, 110cm, 1.1m or 1米1)")
            }
            guard HeightText.plausible.contains(h) else { throw HTTPError(.badRequest, message: "height: \(Int(h)) cm is not a person's height (40 to 230)") }
            report.heightCM = h
        }
        if let cell = input.lastSeenCell {
            guard try await store.cell(id: cell) != nil else { throw HTTPError(.badRequest, message: "lastSeenCell: no grid cell '\(cell)'") }
            report.lastSeenCell = cell
        }
        if let at = input.lastSeenAt {
            guard at <= Date().addingTimeInterval(300), at > Date().addingTimeInterval(-7 * 86_400) else {
                throw HTTPError(.badRequest, message: "lastSeenAt: within the last 7 days, not in the future")
            }
            report.lastSeenAt = at
        }
        if let contact = input.contact {
            guard contact.count <= 200 else { throw HTTPError(.badRequest, message: "contact: at most 200 characters") }
            if let why = PlainText.problem(contact) { throw HTTPError(.badRequest, message: "contact: \(why)") }
            report.contact = contact
        }
        if let notes = input.notes {
            guard notes.count <= 2000 else { throw HTTPError(.badRequest, message: "notes: at most 2000 characters") }
            if let why = PlainText.problem(notes, lineBreaks: true) { throw HTTPError(.badRequest, message: "notes: \(why)") }
            report.notes = notes
        }
        guard !report.upper.isEmpty || !report.lower.isEmpty else {
            throw HTTPError(.badRequest, message: "say what the person wears: describe, upper or lower (colour words, Chinese or English)")
        }
        return (report, reading)
    }

    /// Oldest first, a page at a time (`limit`, default 200); a full page links the next one
    /// (`Link: <…?after=ID…>; rel="next"`).
    @Sendable func listReports(_ request: Request, context: ServerContext) async throws -> EditedResponse<[ReportView]> {
        let access = try await Access.of(context, store: store)
        let q = request.uri.queryParameters
        let status = try q.get("status").map { text -> ReportStatus in
            guard let s = ReportStatus(rawValue: text) else { throw HTTPError(.badRequest, message: "status: open, found or withdrawn") }
            return s
        }
        let (limit, after) = try Self.page(request, cursor: "a report id (the last one of the previous page)")
        let page = try await store.reports(status: status, after: after, limit: limit)
        let cases = try await access.cases(page, store: store)
        let photos = try await store.reportsWithPhotos(ids: page.compactMap(\.id))
        let views = page.map { r in
            var v = ReportView(r, showContact: cases.contains(r.id ?? 0))
            if photos.contains(v.id) { v.photoURL = "/api/v1/reports/\(v.id)/photo" }
            return v
        }
        guard page.count == limit, let last = page.last?.id else { return EditedResponse(response: views) }
        let query = [status.map { "status=\($0.rawValue)" }, "limit=\(limit)", "after=\(last)"].compactMap { $0 }.joined(separator: "&")
        return EditedResponse(headers: [.init("Link")!: "</api/v1/reports?\(query)>; rel=\"next\""], response: views)
    }

    @Sendable func getReport(_ request: Request, context: ServerContext) async throws -> ReportView {
        let access = try await Access.of(context, store: store)
        let r = try await report(context)
        let closure = r.status == .open ? nil : try await store.caseClosure(reportID: r.id ?? 0)
        var view = ReportView(r, showContact: try await access.cases([r], store: store).contains(r.id ?? 0), closure: closure)
        try await view.setPhoto(store)
        return view
    }

    /// `PUT /api/v1/family/{token}/photo`: the family adds their photo of the person to their report
    /// (the secret link is the permission), for the workers who look for them.
    @Sendable func familyPhoto(_ request: Request, context: ServerContext) async throws -> HTTPResponse.Status {
        let token = try context.parameters.require("token")
        guard token.count >= 20, token.count <= 100, let r = try await store.report(linkDigest: Secrets.digest(token)), let id = r.id else {
            throw HTTPError(.notFound, message: "no report behind this link")
        }
        try await keepPhoto(request, context: context, report: r, id: id)
        return .noContent
    }

    /// `PUT /api/v1/reports/{id}/photo`: a worker adds the family's photo (at the desk).
    @Sendable func putReportPhoto(_ request: Request, context: ServerContext) async throws -> HTTPResponse.Status {
        let access = try await Access.of(context, store: store)
        let r = try await report(context)
        try await access.checkCase(r, store: store)
        try await keepPhoto(request, context: context, report: r, id: r.id ?? 0)
        return .noContent
    }

    @Sendable func getReportPhoto(_ request: Request, context: ServerContext) async throws -> Response {
        _ = try context.requireWorker()
        let r = try await report(context)
        guard let photo = try await store.reportPhoto(reportID: r.id ?? 0) else { throw HTTPError(.notFound, message: "report \(r.id ?? 0) has no photo") }
        return Response(
            status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=60"], body: .init(byteBuffer: ByteBuffer(bytes: photo.jpeg)))
    }

    /// Reads the photo in the body (JPEG or PNG), keeps its picture only (``PhotoColours/keepable(path:width:)``).
    private func keepPhoto(_ request: Request, context: ServerContext, report r: MissingPersonReport, id: Int64) async throws {
        guard r.status == .open else { throw HTTPError(.conflict, message: "report \(id) is \(r.status.rawValue): its case is closed") }
        let file = try await photoFile(request, context: context)
        defer { try? FileManager.default.removeItem(at: file) }
        let kept: (jpeg: [UInt8], width: Int, height: Int)
        do {
            kept = try PhotoColours.keepable(path: file.path)
        } catch {
            throw HTTPError(.badRequest, message: "the photo could not be read as an image")
        }
        try await store.saveReportPhoto(ReportPhoto(reportID: id, width: kept.width, height: kept.height, jpeg: Data(kept.jpeg), addedAt: Date()))
    }

    /// The request's body, a JPEG or PNG, in a temporary file (for FFmpeg to read); the caller removes it.
    private func photoFile(_ request: Request, context: ServerContext) async throws -> URL {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard body.readableBytes > 0 else { throw HTTPError(.badRequest, message: "send the photo (JPEG or PNG) as the request body") }
        let bytes = Data(body.readableBytesView)
        let isJPEG = bytes.starts(with: [0xFF, 0xD8, 0xFF]), isPNG = bytes.starts(with: [0x89, 0x50, 0x4E, 0x47])
        guard isJPEG || isPNG else { throw HTTPError(.unsupportedMediaType, message: "the photo must be a JPEG or PNG") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-photo-\(UUID().uuidString).\(isJPEG ? "jpg" : "png")")
        try bytes.write(to: file)
        return file
    }

    @Sendable func updateReport(_ request: Request, context: ServerContext) async throws -> ReportView {
        let access = try await Access.of(context, store: store)
        let existing = try await report(context)
        try await access.checkCase(existing, store: store)
        guard existing.status == .open else {
            throw HTTPError(.conflict, message: "report \(existing.id ?? 0) is \(existing.status.rawValue): its case is closed")
        }
        let input = try await request.decode(as: ReportInput.self, context: context)
        let (updated, _) = try await build(input, onto: existing)
        try await store.updateReport(updated)
        return ReportView(updated)
    }

    /// Ends the case: found (optionally naming the lead that was the person, or the cell) or
    /// withdrawn. The report's open leads close with it and their dispatch stops.
    @Sendable func closeReport(_ request: Request, context: ServerContext) async throws -> ReportView {
        let access = try await Access.of(context, store: store)
        var r = try await report(context)
        try await access.checkCase(r, store: store)
        let input = try await request.decode(as: CloseInput.self, context: context)
        guard let status = ReportStatus(rawValue: input.outcome), status != .open else {
            throw HTTPError(.badRequest, message: "outcome: found or withdrawn")
        }
        guard (input.note ?? "").count <= 2000 else { throw HTTPError(.badRequest, message: "note: at most 2000 characters") }
        if status == .withdrawn, input.cell != nil || input.incident != nil {
            throw HTTPError(.badRequest, message: "cell and incident say where a found person was; a withdrawn report has neither")
        }
        if let cell = input.cell {
            guard try await store.cell(id: cell) != nil else { throw HTTPError(.badRequest, message: "cell: no cell \(cell) in the grid") }
        }
        if let id = input.incident {
            guard let lead = try await store.incident(id: id), lead.reportID == r.id else {
                throw HTTPError(.badRequest, message: "incident: \(id) is not a lead of report \(r.id ?? 0)")
            }
        }
        let closed: CaseClosed
        do {
            closed = try await store.closeCase(
                reportID: r.id ?? 0, outcome: status, foundIncidentID: input.incident, foundCellID: input.cell, by: access.worker.id,
                note: input.note ?? "", at: Date())
        } catch let e as GridStoreError where e.code == .invalidValue {
            throw HTTPError(.conflict, message: e.description)
        }
        Counter(label: "kinfinder_cases_closed_total", dimensions: [("outcome", status.rawValue)]).increment()
        r.status = status
        var view = ReportView(r, closure: closed.closure)
        view.closedLeads = closed.closedIncidentIDs
        return view
    }

    @Sendable func family(_ request: Request, context: ServerContext) async throws -> FamilyView {
        let token = try context.parameters.require("token")
        guard token.count >= 20, token.count <= 100, let r = try await store.report(linkDigest: Secrets.digest(token)), let id = r.id else {
            throw HTTPError(.notFound, message: "no report behind this link")
        }
        let incidents = try await store.incidents(IncidentFilter(reportID: id))
        let latest = incidents.max { $0.seenAt < $1.seenAt }
        let closure = r.status == .open ? nil : try await store.caseClosure(reportID: id)
        var collect: CollectView? = nil
        if r.status == .found, let cell = closure?.foundCellID ?? r.lastSeenCell {
            var closerPhone: String? = nil
            if let by = closure?.closedBy { closerPhone = try await store.worker(id: by)?.worker.phone }
            collect = CollectPoint.choose(
                foundCell: cell, cells: try await store.cells(), posts: try await store.dutyPosts(), fallbackPhone: closerPhone)
        }
        return FamilyView(
            name: r.name, status: r.status.rawValue, filedAt: r.createdAt, lastSeenCell: r.lastSeenCell, lastSeenAt: r.lastSeenAt,
            leads: incidents.count, beingChecked: incidents.filter { $0.status.isActive }.count, found: r.status == .found,
            latestLead: latest?.seenAt, latestLeadCell: latest?.cellID, closedAt: closure?.closedAt, foundCell: closure?.foundCellID,
            collect: collect)
    }

    func report(_ context: ServerContext) async throws -> MissingPersonReport {
        let id = try context.parameters.require("id", as: Int64.self)
        guard let r = try await store.report(id: id) else { throw HTTPError(.notFound, message: "no report \(id)") }
        return r
    }

    /// `POST /api/v1/photo-colours` with the photo as the body: the clothing colours the cameras'
    /// colour model reads in it, for the family to confirm (nothing is stored).
    @Sendable func photoColours(_ request: Request, context: ServerContext) async throws -> PhotoColoursView {
        let file = try await photoFile(request, context: context)
        defer { try? FileManager.default.removeItem(at: file) }
        let result: PhotoColours.Result
        do {
            result = try PhotoColours.extract(path: file.path, table: colourTable)
        } catch {
            throw HTTPError(.badRequest, message: "the photo could not be read as an image")
        }
        func view(_ list: [(name: ColourName, share: Float)]) -> [PhotoColoursView.Share] {
            list.map { .init(name: $0.name.english, chinese: $0.name.chinese, share: Double($0.share)) }
        }
        return PhotoColoursView(upper: view(result.upper), lower: view(result.lower))
    }

    // MARK: Incidents

    @Sendable func listIncidents(_ request: Request, context: ServerContext) async throws -> IncidentList {
        let access = try await Access.of(context, store: store)
        let q = request.uri.queryParameters
        var filter = IncidentFilter()
        if let s = q.get("status") {
            guard let status = IncidentStatus(rawValue: s) else {
                throw HTTPError(.badRequest, message: "status: open, acknowledged, resolved, false-alarm or case-closed")
            }
            filter.status = status
        }
        if let k = q.get("kind") {
            guard let kind = IncidentKind(rawValue: k) else {
                throw HTTPError(.badRequest, message: "kind: match, danger-zone, child-alone, person-down or wandering")
            }
            filter.kind = kind
        }
        if let cell = q.get("cell") {
            try access.check(cell: cell)
            filter.cellID = cell
        }
        // A grid worker lists the incidents of their part of the grid only.
        filter.cellIDs = access.cellFilter
        filter.cameraID = q.get("camera")
        if let r = q.get("report") {
            guard let id = Int64(r) else { throw HTTPError(.badRequest, message: "report: a report id") }
            filter.reportID = id
        }
        if let since = q.get("since") {
            guard let d = try? Date(since, strategy: .iso8601) else { throw HTTPError(.badRequest, message: "since: an ISO 8601 time") }
            filter.since = d
        }
        (filter.limit, filter.after) = try Self.page(request, cursor: "an incident id (the previous page's next)")
        let list = try await store.incidents(filter)
        let mine = q.get("assigned") == "me"
        // A full page may have more behind it: the next page starts after its last incident (also
        // when `assigned=me` kept fewer of them).
        let next = list.count == filter.limit ? list.last?.id : nil
        return IncidentList(incidents: try await views(list, heldBy: mine ? access : nil, grid: access.grid), next: next)
    }

    /// A list's page from the request's query: `limit` (1–1000, 200 by default) and the `after`
    /// cursor, an id (`cursor` says of what, in the error).
    static func page(_ request: Request, cursor: String) throws -> (limit: Int, after: Int64?) {
        let q = request.uri.queryParameters
        var limit = 200
        if let l = q.get("limit") {
            guard let n = Int(l), (1...1000).contains(n) else { throw HTTPError(.badRequest, message: "limit: 1 to 1000") }
            limit = n
        }
        let after = try q.get("after").map { text -> Int64 in
            guard let id = Int64(text), id > 0 else { throw HTTPError(.badRequest, message: "after: \(cursor)") }
            return id
        }
        return (limit, after)
    }

    /// Views with report names and dispatch state; with `heldBy`, only the incidents that worker
    /// holds now (``Access/holds(_:dispatch:)``). `grid` is the cell tree when the caller has read it.
    func views(_ incidents: [Incident], heldBy access: Access? = nil, grid: [String: GridCell]? = nil) async throws -> [IncidentView] {
        // Names of just the reports these incidents belong to (the report table keeps growing).
        var names: [Int64: String] = [:]
        for r in try await store.reports(ids: Array(Set(incidents.compactMap(\.reportID)))) { if let id = r.id { names[id] = r.name } }
        let dispatches = Dictionary(
            uniqueKeysWithValues: try await store.dispatches(incidentIDs: incidents.compactMap(\.id)).map { ($0.incidentID, $0) })
        var cells = grid ?? access?.grid ?? [:]
        if cells.isEmpty { cells = Dictionary(uniqueKeysWithValues: try await store.cells().map { ($0.id, $0) }) }
        let staffed = Set(try await store.workers().map(\.cellID))
        let pictures = try await store.incidentImageKinds(incidentIDs: incidents.compactMap(\.id))
        let reviews = try await store.reviews(incidentIDs: incidents.compactMap(\.id))
        return incidents.compactMap { i in
            let d = i.id.flatMap { dispatches[$0] }
            if let access, !access.holds(i, dispatch: d) { return nil }
            var view = IncidentView(i, reportName: i.reportID.flatMap { names[$0] }, dispatch: d, level: d.flatMap { cells[$0.cellID]?.level })
            view.setPictures(i.id.flatMap { pictures[$0] } ?? [])
            view.review = i.id.flatMap { reviews[$0] }.map(ReviewView.init)
            view.dispatch?.passedOver = d.flatMap { Self.passedOver(from: i.cellID, to: $0.cellID, cells: cells, staffed: staffed) }
            return view
        }
    }

    /// The cells from `from` up to (not including) `to` that have nobody on duty: the levels
    /// dispatch passed over.
    static func passedOver(from: String, to: String, cells: [String: GridCell], staffed: Set<String>) -> [String]? {
        var out: [String] = []
        var c: String? = from
        while let id = c, id != to {
            if !staffed.contains(id) { out.append(id) }
            c = cells[id]?.parentID
        }
        return out.isEmpty ? nil : out
    }

    @Sendable func getIncident(_ request: Request, context: ServerContext) async throws -> IncidentView {
        let access = try await Access.of(context, store: store)
        let i = try await incident(context, access: access)
        // The list's view (name, dispatch, level, cells passed over, pictures, review) and the history.
        guard var view = try await views([i], grid: access.grid).first else { throw HTTPError(.notFound, message: "no incident \(i.id ?? 0)") }
        view.events = try await store.events(incidentID: i.id ?? 0).map(EventView.init)
        return view
    }

    /// `?kind=crop` (the default), `frame` or `strip`: from the database (so any host sharing it can
    /// serve it), a crop also from the file the ingest host wrote (incidents from before v11).
    @Sendable func snapshot(_ request: Request, context: ServerContext) async throws -> Response {
        let i = try await incident(context, access: try await Access.of(context, store: store))
        let kindText = request.uri.queryParameters.get("kind") ?? "crop"
        guard let kind = IncidentImage.Kind(rawValue: kindText) else {
            throw HTTPError(.badRequest, message: "kind: crop, frame or strip")
        }
        let headers: HTTPFields = [.contentType: "image/jpeg", .cacheControl: "private, max-age=3600"]
        if let image = try await store.incidentImage(incidentID: i.id ?? 0, kind: kind) {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: image.jpeg)))
        }
        guard kind == .crop, let path = i.snapshotPath, !path.contains(".."),
            let data = FileManager.default.contents(atPath: (dataDirectory as NSString).appendingPathComponent(path))
        else { throw HTTPError(.notFound, message: "incident \(i.id ?? 0) has no \(kind == .crop ? "snapshot" : kind.rawValue + " picture")") }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func acknowledge(_ request: Request, context: ServerContext) async throws -> IncidentView {
        let access = try await Access.of(context, store: store)
        let worker = access.worker
        let i = try await incident(context, access: access)
        let acked = try await act { try await store.acknowledge(incidentID: i.id ?? 0, by: worker.id, at: Date()) }
        Counter(label: "kinfinder_incidents_acknowledged_total").increment()
        let d = try await store.dispatch(incidentID: i.id ?? 0)
        if let at = d?.acknowledgedAt,
            let assigned = try await store.events(incidentID: i.id ?? 0).first(where: { $0.kind == .assigned })
        {
            // From dispatch (the first event) to acknowledgement.
            Timer(label: "kinfinder_incident_response_seconds").recordSeconds(at.timeIntervalSince(assigned.at))
        }
        return IncidentView(acked, reportName: nil, dispatch: d, level: nil)
    }

    @Sendable func resolve(_ request: Request, context: ServerContext) async throws -> IncidentView {
        let access = try await Access.of(context, store: store)
        let worker = access.worker
        let i = try await incident(context, access: access)
        let input = try await request.decode(as: ResolveInput.self, context: context)
        let outcome: IncidentStatus
        switch input.outcome {
        case "found": outcome = .resolved
        case "false-alarm": outcome = .falseAlarm
        default: throw HTTPError(.badRequest, message: "outcome: found or false-alarm")
        }
        guard (input.note ?? "").count <= 2000 else { throw HTTPError(.badRequest, message: "note: at most 2000 characters") }
        let closed = try await act {
            try await store.resolve(incidentID: i.id ?? 0, outcome: outcome, by: worker.id, note: input.note ?? "", at: Date())
        }
        Counter(label: "kinfinder_incidents_closed_total", dimensions: [("outcome", input.outcome)]).increment()
        return IncidentView(closed, reportName: nil, dispatch: try await store.dispatch(incidentID: i.id ?? 0), level: nil)
    }

    /// "I looked at this lead's evidence": a `reviewed` event with an optional note, at any status.
    @Sendable func review(_ request: Request, context: ServerContext) async throws -> IncidentView {
        let access = try await Access.of(context, store: store)
        let i = try await incident(context, access: access)
        let input = try await request.decode(as: ReviewInput.self, context: context)
        guard (input.note ?? "").count <= 2000 else { throw HTTPError(.badRequest, message: "note: at most 2000 characters") }
        let event = try await store.review(incidentID: i.id ?? 0, by: access.worker.id, note: input.note ?? "", at: Date())
        var view = IncidentView(i, reportName: nil, dispatch: try await store.dispatch(incidentID: i.id ?? 0), level: nil)
        view.review = ReviewView(event)
        return view
    }

    /// The incident named in the path, if `access` covers it (404, 403).
    private func incident(_ context: ServerContext, access: Access) async throws -> Incident {
        let id = try context.parameters.require("id", as: Int64.self)
        guard let i = try await store.incident(id: id) else { throw HTTPError(.notFound, message: "no incident \(id)") }
        try access.check(i)
        return i
    }

    /// Store refusals of a state change (already closed, not open) are 409s.
    private func act(_ body: () async throws -> Incident) async throws -> Incident {
        do {
            return try await body()
        } catch let e as GridStoreError where e.code == .invalidValue {
            throw HTTPError(.conflict, message: e.description)
        }
    }
}

extension WorkerView {
    init(_ w: GridWorker) {
        self.init(id: w.id, name: w.name, cellID: w.cellID, role: w.role.rawValue)
    }
}
