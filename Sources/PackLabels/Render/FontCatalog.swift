import CPangoCairo
import Synchronization

/// What fontconfig has installed, asked once per process: family names, and which
/// characters a family list can draw (cached per character, as labels repeat them).
final class FontCatalog: Sendable {
    static let shared = FontCatalog()

    /// Names every fontconfig configuration resolves, installed fonts or not.
    static let genericFamilies: Set<String> = [
        "sans", "sans-serif", "serif", "monospace", "mono", "cursive", "fantasy", "system-ui",
    ]

    private let families: Set<String>
    private let coverage = Mutex<[String: [UInt32: Bool]]>([:])
    private let familyLists = Mutex<[String: (missing: [String], anyInstalled: Bool)]>([:])

    private init() {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<PangoFontFamily>?>?
        var count: Int32 = 0
        pango_font_map_list_families(pango_cairo_font_map_get_default(), &list, &count)
        var names: Set<String> = []
        for i in 0..<Int(count) {
            if let family = list?[i], let name = pango_font_family_get_name(family) {
                names.insert(String(cString: name).lowercased())
            }
        }
        g_free(list)
        families = names
    }

    /// The families of a comma-separated list that are not installed; empty when
    /// all are. A list is usable when any one of its families is.
    func missingFamilies(in list: String) -> (missing: [String], anyInstalled: Bool) {
        if let known = familyLists.withLock({ $0[list] }) { return known }
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let missing = names.filter {
            !families.contains($0.lowercased()) && !Self.genericFamilies.contains($0.lowercased())
        }
        let answer = (missing, missing.count < names.count)
        familyLists.withLock { $0[list] = answer }
        return answer
    }

    /// Whether some font of `family` (fallbacks included) has a glyph for `scalar`.
    func covers(_ scalar: UInt32, family: String, context: OpaquePointer) -> Bool {
        if let known = coverage.withLock({ $0[family]?[scalar] }) { return known }
        let description = pango_font_description_from_string(family)
        defer { pango_font_description_free(description) }
        var has = false
        if let fontset = pango_font_map_load_fontset(
            pango_cairo_font_map_get_default(), context, description, pango_language_get_default())
        {
            if let font = pango_fontset_get_font(fontset, scalar) {
                has = pango_font_has_char(font, scalar) != 0
                g_object_unref(font)
            }
            g_object_unref(fontset)
        }
        coverage.withLock { $0[family, default: [:]][scalar] = has }
        return has
    }
}
