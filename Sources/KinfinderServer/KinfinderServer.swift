public import Foundation
public import GridStore
public import Hummingbird
public import KinfinderCore
public import Logging
public import Matching
import Metrics
import Prometheus
public import ServiceLifecycle

/// Settings of `kinfinder serve`.
public struct ServeConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var policy = DispatchPolicy()
    /// Seconds between dispatch rounds (assign new incidents, escalate overdue ones).
    public var dispatchInterval = 1.0
    /// Seconds between checks for new events on the live stream.
    public var eventPoll = 0.5
    /// Search stored tracks when a report is filed.
    public var retroSearch = true
    /// Reports one client address may file without signing in.
    public var reportRateLimit = RateLimit()
    /// Tiles under the console's map, when the deployment has a tile server.
    public var mapTiles: MapTiles?

    public init() {}
}

/// The process behind `kinfinder serve`: the HTTP API, the live event stream, `/metrics`, and the
/// dispatch loop, on the shared grid database.
public struct KinfinderServer: Sendable {
    public let store: any GridStore
    public let configuration: ServeConfiguration
    let api: API
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    let changes = ChangeSignal()

    public init(
        store: any GridStore, colourModel: ColourNameModel, dataDirectory: String, retro: RetroSearch?,
        configuration: ServeConfiguration, logger: Logger
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        registry = Self.metricsRegistry
        api = API(
            store: store, colourModel: colourModel, colourTable: colourModel.yuvTable(), dataDirectory: dataDirectory,
            retro: configuration.retroSearch ? retro : nil, reportLimiter: RateLimiter(configuration.reportRateLimit),
            mapTiles: configuration.mapTiles)
    }

    /// One registry per process, bootstrapped into swift-metrics on first use.
    static let metricsRegistry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    public func router() -> Router<ServerContext> {
        let router = Router(context: ServerContext.self)
        router.addMiddleware {
            SecurityHeadersMiddleware()
            MetricsMiddleware()
            LogRequestsMiddleware(.debug)
            Authenticator(store: store)
        }
        router.get("healthz") { _, _ in "ok\n" }
        router.get("metrics") { _, _ in try await metrics() }
        router.get("openapi.yaml") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let data = FileManager.default.contents(atPath: url.path)
            else { throw HTTPError(.internalServerError, message: "the OpenAPI document is missing from this build") }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        api.register(on: router)
        // The web console: static pages that use the API (no CDN; the machines are offline).
        // Images come from this server (and blob: URLs of its pictures), and from the tile server if any.
        let images = ["'self'", "blob:"] + (configuration.mapTiles.map { [$0.origin] } ?? [])
        let policy = "default-src 'self'; img-src \(images.joined(separator: " "))"
        router.get("/") { _, _ in try Console.page("index.html", policy: policy) }
        router.get("family") { _, _ in try Console.page("family.html", policy: policy) }
        router.get("family/{token}") { _, _ in try Console.page("family.html", policy: policy) }
        router.get("worker") { _, _ in try Console.page("worker.html", policy: policy) }
        router.get("console/{file}") { _, context in try Console.page(try context.parameters.require("file"), policy: policy) }
        router.get("api/v1/events") { request, context in try await events(request, context: context) }
        return router
    }

    /// The application and the dispatch loop, for a ServiceGroup (or `runService`). `onRunning`
    /// gets the port listened on (useful with port 0).
    public func application(onRunning: @escaping @Sendable (Int) -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "kinfinder"),
            services: backgroundServices(),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// The dispatch loop, and with PostgreSQL the notification listener.
    private func backgroundServices() -> [any Service] {
        var services: [any Service] = [
            DispatchService(dispatcher: Dispatcher(store: store, policy: configuration.policy), interval: configuration.dispatchInterval, logger: logger)
        ]
        if let postgres = store as? PostgresGridStore {
            services.append(ChangeListener(store: postgres, signal: changes, logger: logger))
        }
        return services
    }

    // MARK: Live updates (Server-Sent Events)

    /// `GET /api/v1/events[?after=ID][&token=…]`: every incident event after `after` (default: from
    /// now), as `event: incident` messages whose data is the event and the incident's current view;
    /// a comment every 15 s keeps proxies from closing the stream. With PostgreSQL the stream reads
    /// the event table when the database announces a change (LISTEN/NOTIFY, any host); SQLite has
    /// no notifications between processes, so there it polls (the table is indexed; one query).
    func events(_ request: Request, context: ServerContext) async throws -> Response {
        var context = context
        if context.worker == nil, let token = request.uri.queryParameters.get("token") {
            context.worker = try await Authenticator.worker(token: token, store: store)
        }
        let access = try await Access.of(context, store: store)
        var after: Int64
        if let text = request.uri.queryParameters.get("after") ?? request.headers[.init("Last-Event-ID")!] {
            guard let v = Int64(text), v >= 0 else { throw HTTPError(.badRequest, message: "after: an event id") }
            after = v
        } else {
            after = try await store.latestEventID()
        }
        let store = self.store, api = self.api, poll = configuration.eventPoll, changes = self.changes
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let start = after
        let body = ResponseBody { writer in
            var last = start
            var quiet = 0.0
            try await writer.write(ByteBuffer(string: ": kinfinder live incidents\n\n"))
            // Ends when the client goes (the write fails) or the server shuts down.
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let seen = changes.generation
                let fresh = try await store.events(after: last, limit: 200)
                for e in fresh {
                    // A grid worker's stream carries their part of the grid only.
                    guard let incident = try await store.incident(id: e.incidentID), access.covers(incident.cellID),
                        let view = try await api.views([incident]).first
                    else {
                        last = e.id ?? last
                        continue
                    }
                    struct Message: Encodable {
                        var event: EventView
                        var incident: IncidentView
                    }
                    let data = try encoder.encode(Message(event: EventView(e), incident: view))
                    try await writer.write(ByteBuffer(string: "id: \(e.id ?? 0)\nevent: incident\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
                    last = e.id ?? last
                    quiet = 0
                }
                if quiet >= 15 {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    quiet = 0
                }
                let rest = changes.isListening && fresh.count < 200 ? 15 - quiet : poll
                let before = ContinuousClock.now
                await changes.wait(since: seen, upTo: max(rest, 0.02))
                let waited = ContinuousClock.now - before
                quiet += Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"], body: body)
    }

    // MARK: Metrics

    /// Prometheus text: the process's counters and histograms, plus each camera's last reported
    /// health (written by the `run`/`watch` processes into the database).
    func metrics() async throws -> Response {
        for s in try await store.cameraStatuses() {
            let labels = [("camera", s.cameraID)]
            registry.makeGauge(name: "kinfinder_camera_frames_decoded", labels: labels).set(Double(s.framesIn))
            registry.makeGauge(name: "kinfinder_camera_frames_analysed", labels: labels).set(Double(s.framesAnalysed))
            registry.makeGauge(name: "kinfinder_camera_frames_dropped", labels: labels).set(Double(s.framesDropped))
            registry.makeGauge(name: "kinfinder_camera_live", labels: labels).set(Double(s.state == .live ? 1 : 0))
            registry.makeGauge(name: "kinfinder_camera_lag_p99_seconds", labels: labels).set((s.lagP99 ?? 0) / 1000)
        }
        for (camera, n) in try await store.trackCounts() {
            registry.makeGauge(name: "kinfinder_camera_tracks_stored", labels: [("camera", camera)]).set(Double(n))
        }
        let open = try await store.incidents(IncidentFilter(status: .open, limit: 100_000)).count
        registry.makeGauge(name: "kinfinder_incidents_open").set(Double(open))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}

/// Runs dispatch rounds until shutdown; a failed round is logged and retried next interval.
struct DispatchService: Service {
    let dispatcher: Dispatcher
    let interval: Double
    let logger: Logger

    func run() async throws {
        let assigned = Counter(label: "kinfinder_incidents_assigned_total")
        let escalated = Counter(label: "kinfinder_incidents_escalated_total")
        let overdue = Counter(label: "kinfinder_incidents_overdue_total")
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let round = try await dispatcher.round(now: Date())
                assigned.increment(by: round.assigned.count)
                escalated.increment(by: round.escalated.count)
                overdue.increment(by: round.overdue.count)
                for id in round.assigned { logger.notice("incident dispatched", metadata: ["incident": "\(id)"]) }
                for id in round.escalated { logger.notice("incident escalated", metadata: ["incident": "\(id)"]) }
                for id in round.overdue { logger.warning("incident overdue at the top of the grid", metadata: ["incident": "\(id)"]) }
            } catch {
                logger.error("dispatch round failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}

/// The console's files: from `$KINFINDER_CONSOLE_DIR` when set (editing them without a rebuild),
/// else from the files built into the program.
enum Console {
    static let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
                        "svg": "image/svg+xml", "png": "image/png"]

    static func page(_ name: String, policy: String = "default-src 'self'; img-src 'self' blob:") throws -> Response {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }), !name.hasPrefix("."),
            let ext = name.split(separator: ".").last.map(String.init), let type = types[ext]
        else { throw HTTPError(.notFound) }
        let directory = ProcessInfo.processInfo.environment["KINFINDER_CONSOLE_DIR"]
            ?? Bundle.module.url(forResource: "Console", withExtension: nil)?.path
        guard let directory, let data = FileManager.default.contents(atPath: directory + "/" + name) else { throw HTTPError(.notFound) }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-cache", .init("Content-Security-Policy")!: policy],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
