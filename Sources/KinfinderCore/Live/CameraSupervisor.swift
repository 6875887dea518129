import Foundation
public import GridStore
public import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The process behind `kinfinder run`: one ``LiveCamera`` service per configured camera in a
/// swift-service-lifecycle `ServiceGroup`, a status writer, and a reloader that applies the
/// configuration file again on SIGHUP (cameras added, removed or changed; the others untouched).
/// SIGINT/SIGTERM shut down gracefully: cameras stop reading, finish and store what they saw.
public final class CameraSupervisor: Sendable {
    private let configPath: String
    private let store: any GridStore
    private let colourTable: [UInt8]
    private let dataDirectory: String
    private let logger: Logger
    private let reporter: String
    private let base: PipelineConfiguration
    private let cameras = Mutex<[String: LiveCamera]>([:])
    private let group = Mutex<ServiceGroup?>(nil)
    /// Seconds between status writes.
    let statusInterval: Double
    /// The configuration the process started with (reloads read the file again).
    private let initial: RunConfiguration

    public init(
        configPath: String, configuration: RunConfiguration, store: any GridStore, colourTable: [UInt8], dataDirectory: String,
        pipeline: PipelineConfiguration = PipelineConfiguration(), logger: Logger
    ) {
        self.configPath = configPath
        self.store = store
        self.colourTable = colourTable
        self.dataDirectory = dataDirectory
        self.logger = logger
        self.base = pipeline
        self.statusInterval = configuration.statusInterval
        reporter = "\(ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"):\(getpid())"
        self.initial = configuration
    }

    /// Runs until SIGINT/SIGTERM (or task cancellation).
    public func run() async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: StatusWriter(supervisor: self), successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore,
                  serviceName: "status-writer"),
            .init(service: Reloader(supervisor: self), successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore,
                  serviceName: "config-reloader"),
        ]
        for camera in await prepare(initial.cameras) {
            services.append(Self.configuration(for: camera))
        }
        if cameras.withLock({ $0.isEmpty }) {
            logger.warning("no camera can run; waiting for a configuration reload (SIGHUP)")
        }
        let g = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        group.withLock { $0 = g }
        try await g.run()
    }

    private static func configuration(for camera: LiveCamera) -> ServiceGroupConfiguration.ServiceConfiguration {
        // A camera ending (removed, end of a file) or failing never touches the rest of the group.
        .init(service: camera, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore, serviceName: "camera \(camera.spec.id)")
    }

    /// Registers the cameras in the grid database and makes their services; a camera whose cell
    /// is unknown is reported and left out, the others go on.
    private func prepare(_ specs: [CameraSpec]) async -> [LiveCamera] {
        var made: [LiveCamera] = []
        for spec in specs where spec.enabled {
            do {
                try await store.upsertCamera(Camera(id: spec.id, name: spec.name, cellID: spec.cellID, url: spec.displayURL))
            } catch {
                logger.error("camera left out", metadata: ["camera": "\(spec.id)", "error": "\(error)"])
                continue
            }
            let camera = LiveCamera(
                spec: spec, store: store, colourTable: colourTable, dataDirectory: dataDirectory, pipeline: base,
                reporter: reporter, logger: logger)
            cameras.withLock { $0[spec.id] = camera }
            made.append(camera)
        }
        return made
    }

    /// Reads the configuration file again and applies the differences.
    func reload() async {
        let next: RunConfiguration
        do {
            next = try RunConfiguration.load(path: configPath)
        } catch {
            logger.error("configuration reload failed; keeping the running cameras", metadata: ["error": "\(error)"])
            return
        }
        let wanted = Dictionary(uniqueKeysWithValues: next.cameras.filter(\.enabled).map { ($0.id, $0) })
        let current = cameras.withLock { $0 }
        var removed = 0, changed: [CameraSpec] = [], added: [CameraSpec] = []
        for (id, camera) in current {
            guard let spec = wanted[id] else {
                camera.stop()
                cameras.withLock { _ = $0.removeValue(forKey: id) }
                removed += 1
                continue
            }
            if spec != camera.spec {
                camera.stop(replaced: true)
                cameras.withLock { _ = $0.removeValue(forKey: id) }
                changed.append(spec)
            }
        }
        for (id, spec) in wanted where current[id] == nil { added.append(spec) }
        let fresh = await prepare(changed + added)
        if let g = group.withLock({ $0 }) {
            for camera in fresh { await g.addServiceUnlessShutdown(Self.configuration(for: camera)) }
        }
        logger.notice("configuration reloaded", metadata: [
            "added": "\(added.count)", "removed": "\(removed)", "changed": "\(changed.count)",
            "running": "\(cameras.withLock { $0.count })",
        ])
    }

    /// Writes every running camera's status every few seconds.
    func writeStatuses() async {
        for camera in cameras.withLock({ Array($0.values) }) {
            do {
                try await store.updateCameraStatus(camera.periodicStatus())
            } catch {
                logger.error("cannot write camera status", metadata: ["camera": "\(camera.spec.id)", "error": "\(error)"])
            }
        }
    }
}

private struct StatusWriter: Service {
    let supervisor: CameraSupervisor

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await supervisor.writeStatuses()
                try await Task.sleep(for: .milliseconds(Int(supervisor.statusInterval * 1000)))
            }
        }
    }
}

private struct Reloader: Service {
    let supervisor: CameraSupervisor

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                await supervisor.reload()
            }
        }
    }
}
