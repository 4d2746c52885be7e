import CLazyLibraries

extension Doctor {
    /// The libraries packd loads only when it first renders a label or speaks to
    /// CUPS (Sources/CLazyLibraries): without this check a missing one shows
    /// only when the first label fails.
    func libraries() -> [DoctorCheck] {
        let libraries: [(library: packd_lazy_library, package: String, purpose: String)] = [
            (PACKD_LAZY_LABELS, "libpangocairo-1.0-0", "renders labels"),
            (PACKD_LAZY_POPPLER, "libpoppler-glib8", "reads carriers' PDF labels"),
            (PACKD_LAZY_CUPS, "libcups2", "prints through CUPS"),
        ]
        return libraries.map { entry in
            let soname = String(cString: packd_lazy_library_soname(entry.library))
            var reason = [CChar](repeating: 0, count: 512)
            guard packd_lazy_library_load(entry.library, &reason, UInt(reason.count)) == 0 else {
                return .problem(
                    "library", "\(soname) (\(entry.purpose)) cannot be loaded: \(String(cString: reason))",
                    fix: "apt-get install \(entry.package)")
            }
            return .ok("library", "\(soname) (\(entry.purpose)) loads")
        }
    }
}
