import CUdev
import Foundation
import Glibc

/// udev's hot-plug events for input and tty devices, from a netlink monitor read on
/// a thread of its own, so that discovery never blocks scanning.
public final class UdevMonitor: Sendable {
    public enum Change: Sendable, Equatable {
        case added(DeviceIdentity)
        case removed(devnode: String)
    }

    public let changes: AsyncStream<Change>
    private let continuation: AsyncStream<Change>.Continuation
    private let wake: (read: Int32, write: Int32)

    public init() {
        (changes, continuation) = AsyncStream.makeStream(of: Change.self)
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        wake = (fds[0], fds[1])
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    /// Starts listening; returns once the monitor is receiving, so a caller that
    /// enumerates afterwards misses no device.
    public func start() throws(DeviceError) {
        guard let udev = udev_new() else { throw DeviceError.system("udev_new", errno) }
        guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
            udev_unref(udev)
            throw DeviceError.system("udev_monitor_new_from_netlink", errno)
        }
        udev_monitor_filter_add_match_subsystem_devtype(monitor, "input", nil)
        udev_monitor_filter_add_match_subsystem_devtype(monitor, "tty", nil)
        udev_monitor_filter_add_match_subsystem_devtype(monitor, "hidraw", nil)
        guard udev_monitor_enable_receiving(monitor) == 0 else {
            udev_monitor_unref(monitor)
            udev_unref(udev)
            throw DeviceError.system("udev_monitor_enable_receiving", errno)
        }
        let handle = MonitorHandle(udev: udev, monitor: monitor)
        let thread = Thread { [self] in run(handle) }
        thread.name = "packd-udev-monitor"
        thread.start()
    }

    public func stop() {
        var one: UInt8 = 1
        _ = write(wake.write, &one, 1)
    }

    private func run(_ handle: MonitorHandle) {
        defer {
            udev_monitor_unref(handle.monitor)
            udev_unref(handle.udev)
            continuation.finish()
        }
        let fd = udev_monitor_get_fd(handle.monitor)
        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            guard let device = udev_monitor_receive_device(handle.monitor) else { continue }
            defer { udev_device_unref(device) }
            let action = udev_device_get_action(device).map { String(cString: $0) } ?? ""
            let subsystem = udev_device_get_subsystem(device).map { String(cString: $0) } ?? ""
            switch action {
            case "add":
                if let identity = UdevEnumerator.identity(of: device, subsystem: subsystem) {
                    continuation.yield(.added(identity))
                }
            case "remove":
                if let node = udev_device_get_devnode(device) { continuation.yield(.removed(devnode: String(cString: node))) }
            default:
                break
            }
        }
    }
}

/// The monitor's C handles, owned by its thread.
private final class MonitorHandle: @unchecked Sendable {
    let udev: OpaquePointer
    let monitor: OpaquePointer
    init(udev: OpaquePointer, monitor: OpaquePointer) {
        self.udev = udev
        self.monitor = monitor
    }
}
