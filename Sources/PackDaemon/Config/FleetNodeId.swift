import Foundation

/// This packd's node id in a fleet when `[store] node` does not name one.
///
/// The host name alone is not unique enough: two packd on one PC (two state
/// directories), or PCs cloned from one image and left with one host name, would
/// share it, and the fleet tells its packd apart by node id alone. So the default
/// is the host name and a short hash of the machine's id (/etc/machine-id) and
/// the state directory: `pack-pc-3-1f0c9a2e`. It is stable for a PC and state
/// directory across restarts and upgrades; a packd that finds its id held by a
/// live packd refuses to start (FleetNodeClaim), which also catches clones that
/// share a machine id.
public enum FleetNodeId {
    public static func resolve(configured: String?, stateDirectory: String, machineId: String? = nil, hostName: String? = nil)
        -> String
    {
        if let configured { return configured }
        let machineId = machineId ?? readMachineId()
        let hostName = hostName ?? ProcessInfo.processInfo.hostName
        let directory = URL(fileURLWithPath: stateDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        let hash = fnv1a64(Array("\(machineId ?? "")\n\(directory)".utf8))
        // [store] node allows 64 characters; the suffix takes 9.
        var host = hostName.isEmpty ? "packd" : hostName
        while host.utf8.count > 55 { host.removeLast() }
        return host + "-" + String(String(hash, radix: 16).leftPadded(to: 16).prefix(8))
    }

    /// The machine's id (systemd's, or D-Bus's on a system without it); nil when there is none.
    public static func readMachineId() -> String? {
        for path in ["/etc/machine-id", "/var/lib/dbus/machine-id"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !id.isEmpty { return id }
            }
        }
        return nil
    }

    private static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
