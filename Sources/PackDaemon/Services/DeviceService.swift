import Foundation
import PackCore
import PackDevices
public import ServiceLifecycle

/// The scanners bound in `[[scanners]]`: those named by a device path are opened
/// directly (and reopened when they come back); the others are found through
/// udev, now and as they are plugged in. Every scan goes to its station's lane
/// without waiting for the disk, so one slow decision never stops a scanner.
public struct DeviceService: Service {
    let parts: DaemonParts

    public init(parts: DaemonParts) { self.parts = parts }

    public func run() async throws {
        let direct = parts.config.scanners.compactMap { binding -> (ScannerBinding, String)? in
            if case .device(let path) = binding.match { return (binding, path) }
            return nil
        }
        let directPaths = Set(direct.map { URL(fileURLWithPath: $0.1).resolvingSymlinksInPath().path } + direct.map(\.1))
        let udevBindings = parts.config.scanners.contains { if case .device = $0.match { false } else { true } }
        try await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for (binding, path) in direct {
                    group.addTask { await readDirect(binding, path: path) }
                }
                if udevBindings {
                    group.addTask { await watch(skipping: directPaths) }
                }
            }
        }
    }

    /// A device named by its path: read whether or not udev knows it (a pty, a
    /// `/dev/packd/scanner-*` link, a port udev does not tag).
    private func readDirect(_ binding: ScannerBinding, path: String) async {
        let identity = DeviceIdentity(kind: DeviceIdentity.Kind(scannerPath: path), devnode: path, syspath: "")
        let reader: DeviceReader
        do {
            reader = try binding.reader(for: identity, interKeyTimeoutMs: binding.interKeyTimeoutMs)
        } catch {
            parts.logger.error("scanner not read", metadata: ["device": "\(path)", "error": "\(error)"])
            parts.devices.seen(identity, station: binding.station, state: "ignored", detail: "\(error)")
            return
        }
        parts.devices.seen(identity, station: binding.station, state: "waiting")
        reader.start()
        await withTaskCancellationHandler {
            for await event in reader.events { await handle(.device(event)) }
        } onCancel: {
            reader.stop()
        }
    }

    private func watch(skipping direct: Set<String>) async {
        let config = parts.config
        let devices = parts.devices
        let watcher = ScannerWatcher { identity in
            guard !direct.contains(identity.devnode), let binding = config.binding(for: identity) else { return nil }
            guard let reader = try? binding.reader(for: identity, interKeyTimeoutMs: binding.interKeyTimeoutMs) else { return nil }
            devices.seen(identity, station: binding.station, state: "waiting")
            return reader
        }
        do {
            try await watcher.start()
        } catch {
            parts.logger.error("cannot watch for scanners through udev", metadata: ["error": "\(error)"])
            return
        }
        await withTaskCancellationHandler {
            for await event in watcher.events { await handle(event) }
        } onCancel: {
            Task { await watcher.stop() }
        }
    }

    private func handle(_ event: ScannerWatcher.Event) async {
        switch event {
        case .device(.scan(let scan)):
            guard let station = parts.devices.station(of: scan.device) else { return }
            let task = parts.lanes.enqueue(scan, station: station, now: { WallClock.now() })
            let parts = self.parts
            Task {
                do {
                    _ = try await task.value
                } catch {
                    parts.logger.error("scan not decided", metadata: ["station": "\(station)", "code": "\(scan.code)", "error": "\(error)"])
                    await parts.events.publish(
                        station: station, event: "error",
                        data: ["code": .string(scan.code), "message": .string("The scan could not be saved (\(error)). Nothing was shipped: scan it again.")])
                }
            }
        case .device(.opened(let device, let path)):
            deviceChanged(device, state: "reading", detail: path)
        case .device(.closed(let device, let reason)):
            deviceChanged(device, state: "waiting", detail: reason)
        case .device(.rejected(let device, let reason)):
            parts.logger.warning("scanner sent something that is not a code", metadata: ["device": "\(device)", "reason": "\(reason)"])
        case .device(.scale):
            // The scanner watcher opens scanners only; scales are not bound to stations yet (issue 25).
            break
        case .released(let devnode):
            deviceChanged(devnode, state: "removed", detail: nil)
        case .ignored(let identity, let reason):
            parts.devices.seen(identity, station: nil, state: "ignored", detail: reason)
            parts.logger.notice("scanner not read", metadata: ["device": "\(identity.devnode)", "reason": "\(reason)"])
        }
    }

    private func deviceChanged(_ devnode: String, state: String, detail: String?) {
        guard let entry = parts.devices.update(devnode: devnode, state: state, detail: detail) else { return }
        parts.metrics?.devicesConnected(parts.devices.connected)
        parts.logger.info("scanner \(state)", metadata: ["device": "\(devnode)", "station": "\(entry.station ?? "-")"])
        guard let station = entry.station else { return }
        let parts = self.parts
        Task { await parts.events.publish(station: station, event: "device", data: entry.json) }
    }
}
