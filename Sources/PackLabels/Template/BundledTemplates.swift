/// The templates built into packd: templates/*.json, embedded by the build
/// (Package.swift's resources; Sources/PackLabels/Resources links each file).
/// A template added to templates/ is linked there and named here; a test
/// checks that this list and the directory agree.
enum BundledTemplates {
    /// File name (without .json) and JSON text of each bundled template.
    static let sources: [(name: String, json: String)] = [
        ("sku-60x40", PackageResources.sku_60x40_json),
        ("waybill-100x150", PackageResources.waybill_100x150_json),
        ("waybill-100x180", PackageResources.waybill_100x180_json),
        ("waybill-76x130", PackageResources.waybill_76x130_json),
    ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
