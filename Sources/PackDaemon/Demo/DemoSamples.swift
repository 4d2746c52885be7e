/// The demo's orders and scans: samples/orders.json and samples/scans.jsonl,
/// embedded by the build (Package.swift's resources; Sources/PackDaemon/Resources
/// links each file), so `packd demo` needs no data files.
public enum DemoSamples {
    /// samples/orders.json
    public static let orders = String(decoding: PackageResources.orders_json, as: UTF8.self)
    /// samples/scans.jsonl
    public static let scans = String(decoding: PackageResources.scans_jsonl, as: UTF8.self)
}
