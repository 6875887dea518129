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
///
/// With `shared:` several hosts (or processes) share the configured cameras through leases in the
/// grid database instead of each running all of them: a lease keeper announces this host,
/// renews the leases it holds every `renew_every` seconds, stops a camera at once when a renewal
/// comes back without it, and takes free or expired leases up to its fair share
/// (⌈cameras ÷ live hosts⌉) — never a lease another host keeps renewing. A host that dies stops
/// renewing; its leases lapse after `lease_ttl` seconds and the others take the cameras over. Every
/// track and incident write carries the lease's fencing token, so a host that was cut off and comes
/// back cannot write for a camera someone else took. On a clean shutdown the host finishes its
/// cameras and then releases their leases, so the others take them over at once.
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
    /// Shared mode: the cameras this host may lease (from the configuration), and the leases held.
    private let available = Mutex<[String: CameraSpec]>([:])
    private let held = Mutex<[String: LeaseFence]>([:])

    public init(
        configPath: String, configuration: RunConfiguration, store: any GridStore, colourTable: [UInt8], dataDirectory: String,
        pipeline: PipelineConfiguration = PipelineConfiguration(), logger: Logger
    ) {
        self.configPath = configPath
        self.store = store
        self.colourTable = colourTable
        self.dataDirectory = dataDirectory
        self.logger = logger
        var pipeline = pipeline
        if let w = configuration.sightingWindow { pipeline.sightingWindow = w }
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
        if let sharing = initial.sharing {
            await register(initial.cameras)
            services.append(.init(service: LeaseKeeper(supervisor: self, sharing: sharing), serviceName: "lease-keeper"))
        } else {
            for camera in await prepare(initial.cameras) {
                services.append(Self.configuration(for: camera))
            }
            if cameras.withLock({ $0.isEmpty }) {
                logger.warning("no camera can run; waiting for a configuration reload (SIGHUP)")
            }
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

    // MARK: Shared cameras

    /// The lease holder's name: `shared.host`, else hostname:pid.
    func holderName(_ sharing: SharingSettings) -> String { sharing.hostID ?? reporter }

    /// Shared mode: registers the enabled cameras in the grid database and makes them leasable
    /// here; a camera whose cell is unknown is reported and left out.
    private func register(_ specs: [CameraSpec]) async {
        var ok: [String: CameraSpec] = [:]
        for spec in specs where spec.enabled {
            do {
                try await store.upsertCamera(Camera(id: spec.id, name: spec.name, cellID: spec.cellID, url: spec.displayURL))
                ok[spec.id] = spec
            } catch {
                logger.error("camera left out", metadata: ["camera": "\(spec.id)", "error": "\(error)"])
            }
        }
        available.withLock { $0 = ok }
    }

    /// One round of the lease keeper: announce, renew, stop lost cameras, take up to the fair share.
    func leaseRound(_ sharing: SharingSettings) async throws {
        let holder = holderName(sharing)
        let hosts = try await store.heartbeat(holder: holder, ttl: sharing.leaseTTL)
        let mine = held.withLock { Array($0.values) }
        let kept = try await store.renewLeases(mine, ttl: sharing.leaseTTL)
        for lost in Set(mine).subtracting(kept) {
            logger.warning("camera lease taken over by another host; stopping the camera", metadata: ["camera": "\(lost.cameraID)"])
            stopShared(lost.cameraID, replaced: true)
        }
        let specs = available.withLock { $0 }
        let share = (specs.count + max(hosts, 1) - 1) / max(hosts, 1)
        let want = share - kept.count
        guard want > 0 else { return }
        let holding = Set(kept.map(\.cameraID))
        let granted = try await store.acquireLeases(
            holder: holder, cameraIDs: specs.keys.filter { !holding.contains($0) }, limit: want, ttl: sharing.leaseTTL)
        for fence in granted {
            guard let spec = specs[fence.cameraID] else { continue }
            let camera = LiveCamera(
                spec: spec, store: store, colourTable: colourTable, dataDirectory: dataDirectory, pipeline: base,
                reporter: reporter, fence: fence, logger: logger)
            held.withLock { $0[spec.id] = fence }
            cameras.withLock { $0[spec.id] = camera }
            logger.notice("camera leased", metadata: [
                "camera": "\(spec.id)", "token": "\(fence.token)", "hosts": "\(hosts)", "share": "\(share)",
            ])
            if let g = group.withLock({ $0 }) { await g.addServiceUnlessShutdown(Self.configuration(for: camera)) }
        }
    }

    /// Stops a shared camera and forgets its lease (`replaced`: another host writes its status now).
    private func stopShared(_ id: String, replaced: Bool) {
        let camera = cameras.withLock { $0.removeValue(forKey: id) }
        held.withLock { _ = $0.removeValue(forKey: id) }
        camera?.stop(replaced: replaced)
    }

    /// Renewals failed for longer than a lease lasts: another host may hold the cameras now.
    func dropAllLeases() {
        for id in held.withLock({ Array($0.keys) }) { stopShared(id, replaced: true) }
    }

    /// Clean shutdown: once the cameras have stored what they saw, hand their leases back.
    func releaseAll(_ sharing: SharingSettings) async {
        let deadline = ContinuousClock.now + .seconds(20)
        let running = cameras.withLock { Array($0.values) }
        while running.contains(where: { !$0.hasFinished }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let fences = held.withLock { Array($0.values) }
        do {
            try await store.releaseLeases(fences)
            try await store.leaveHosts(holder: holderName(sharing))
            logger.notice("camera leases released", metadata: ["cameras": "\(fences.count)"])
        } catch {
            logger.error("could not release the camera leases; they lapse on their own", metadata: ["error": "\(error)"])
        }
    }

    /// Shared mode: a reload changes which cameras may be leased; a running camera that was removed
    /// or changed is stopped and its lease released (taken again, with the new settings, next round).
    private func reloadShared(_ next: RunConfiguration) async {
        let before = available.withLock { $0 }
        await register(next.cameras)
        let after = available.withLock { $0 }
        var released: [LeaseFence] = []
        for (id, fence) in held.withLock({ $0 }) where after[id] != before[id] {
            stopShared(id, replaced: false)
            released.append(fence)
        }
        try? await store.releaseLeases(released)
        logger.notice("configuration reloaded", metadata: ["leasable": "\(after.count)", "restarted": "\(released.count)"])
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
        if initial.sharing != nil {
            await reloadShared(next)
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

    var storeForLeases: any GridStore { store }
    var log: Logger { logger }

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

private struct LeaseRoundTimeout: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "no answer from the grid database within \(seconds) s" }
}

/// Shared mode: keeps this host's camera leases (see ``CameraSupervisor``).
private struct LeaseKeeper: Service {
    let supervisor: CameraSupervisor
    let sharing: SharingSettings

    func run() async throws {
        let clock = ContinuousClock()
        var lastRenewal = clock.now
        // Announce this host, then give hosts started together one interval to do the same, so
        // the first of them does not take every camera.
        _ = try? await supervisor.storeForLeases.heartbeat(holder: supervisor.holderName(sharing), ttl: sharing.leaseTTL)
        await pause()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // A round must not hang on an unreachable database: the lease clock keeps running.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await supervisor.leaseRound(sharing) }
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(Int(sharing.leaseTTL * 500)))
                        throw LeaseRoundTimeout(seconds: sharing.leaseTTL / 2)
                    }
                    try await group.next()
                    group.cancelAll()
                }
                lastRenewal = clock.now
            } catch {
                supervisor.log.error("lease round failed", metadata: ["error": "\(error)"])
                if clock.now - lastRenewal > .milliseconds(Int(sharing.leaseTTL * 1000)) {
                    supervisor.log.error("leases not renewed for longer than they last; stopping this host's cameras")
                    supervisor.dropAllLeases()
                }
            }
            await pause()
        }
        await supervisor.releaseAll(sharing)
    }

    /// One renewal interval, cut short by a graceful shutdown.
    private func pause() async {
        let until = ContinuousClock.now + .milliseconds(Int(sharing.renewInterval * 1000))
        while ContinuousClock.now < until, !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
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
