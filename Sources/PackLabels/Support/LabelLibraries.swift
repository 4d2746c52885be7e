import CLazyLibraries

/// pango/cairo and poppler are loaded when packd first renders a label, not at
/// start (CLazyLibraries). Checking here turns a library that cannot be loaded
/// into a label error naming it, where calling into it would end the process.
enum LabelLibraries {
    /// pango, cairo and glib: every rendered or converted label.
    static func requireRendering() throws(LabelError) { try require(PACKD_LAZY_LABELS) }

    /// poppler: a carrier's PDF document.
    static func requirePDFReading() throws(LabelError) { try require(PACKD_LAZY_POPPLER) }

    private static func require(_ library: packd_lazy_library) throws(LabelError) {
        // Every render passes here: once loaded, no buffer for a reason.
        guard packd_lazy_library_load(library, nil, 0) != 0 else { return }
        var reason = [CChar](repeating: 0, count: 512)
        guard packd_lazy_library_load(library, &reason, UInt(reason.count)) != 0 else { return }
        let soname = String(cString: packd_lazy_library_soname(library))
        throw LabelError(
            "renderer", "\(soname) cannot be loaded (\(String(cString: reason))); install the package that provides it")
    }
}
