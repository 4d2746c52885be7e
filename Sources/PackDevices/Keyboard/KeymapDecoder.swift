import CXKBCommon
import Glibc

/// Turns a keyboard-wedge scanner's key events into text with the keyboard layout
/// the scanner was set up for, through libxkbcommon.
///
/// A scanner "types" its code as key presses. Read with the wrong layout, `ABC-1`
/// turns into other characters (a de-layout scanner's `-` is the us `/` key), so
/// every scanner has its layout. Shift, CapsLock, AltGr and Ctrl are tracked; Ctrl
/// turns `]` into GS (0x1D), the separator of GS1 codes.
public final class KeymapDecoder {
    public enum Output: Equatable, Sendable {
        /// Text to append to the code being typed.
        case text(String)
        /// Enter, keypad Enter or Tab: the code is complete.
        case terminator
        /// A key that gives no character: a modifier, a release.
        case ignored
        /// An auto-repeat: scanners do not repeat, so this is a stuck key, not data.
        case repeated(code: UInt16)
        /// A key code the keymap does not know.
        case unknownKey(code: UInt16)
    }

    public struct LoadError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    private let context: OpaquePointer
    private let keymap: OpaquePointer
    private var state: OpaquePointer
    public let layout: String

    /// A layout by name (`us`, `de`, `fr`, `gb`...), with an optional variant.
    public convenience init(layout: String, variant: String? = nil) throws(LoadError) {
        guard let context = xkb_context_new(XKB_CONTEXT_NO_FLAGS) else {
            throw LoadError(description: "cannot create an xkb context")
        }
        let made: OpaquePointer? = layout.withCString { l in
            (variant ?? "").withCString { v in
                "evdev".withCString { rules in
                    "pc105".withCString { model in
                        var names = xkb_rule_names(rules: rules, model: model, layout: l, variant: v, options: nil)
                        return xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS)
                    }
                }
            }
        }
        guard let keymap = made else {
            xkb_context_unref(context)
            throw LoadError(description: "unknown keyboard layout \"\(layout)\"\(variant.map { " variant \"\($0)\"" } ?? "") (is xkb-data installed?)")
        }
        try self.init(context: context, keymap: keymap, layout: layout)
    }

    /// A keymap from a file in XKB text format (`xkbcomp`'s output, or hand-written).
    public convenience init(keymapText: String, name: String) throws(LoadError) {
        guard let context = xkb_context_new(XKB_CONTEXT_NO_FLAGS) else {
            throw LoadError(description: "cannot create an xkb context")
        }
        guard let keymap = xkb_keymap_new_from_string(context, keymapText, XKB_KEYMAP_FORMAT_TEXT_V1, XKB_KEYMAP_COMPILE_NO_FLAGS)
        else {
            xkb_context_unref(context)
            throw LoadError(description: "\(name): not a valid XKB keymap")
        }
        try self.init(context: context, keymap: keymap, layout: name)
    }

    private init(context: OpaquePointer, keymap: OpaquePointer, layout: String) throws(LoadError) {
        guard let state = xkb_state_new(keymap) else {
            xkb_keymap_unref(keymap)
            xkb_context_unref(context)
            throw LoadError(description: "cannot create an xkb state")
        }
        self.context = context
        self.keymap = keymap
        self.state = state
        self.layout = layout
    }

    deinit {
        xkb_state_unref(state)
        xkb_keymap_unref(keymap)
        xkb_context_unref(context)
    }

    /// One evdev key event: `code` as in linux/input-event-codes.h, `value` 1 press,
    /// 0 release, 2 auto-repeat.
    public func feed(code: UInt16, value: Int32) -> Output {
        // xkb keycodes are evdev codes + 8 (the X11 offset).
        let keycode = xkb_keycode_t(code) + 8
        switch value {
        case 0:
            xkb_state_update_key(state, keycode, XKB_KEY_UP)
            return .ignored
        case 1:
            defer { xkb_state_update_key(state, keycode, XKB_KEY_DOWN) }
            let sym = xkb_state_key_get_one_sym(state, keycode)
            if sym == UInt32(XKB_KEY_NoSymbol) || xkb_keymap_num_layouts_for_key(keymap, keycode) == 0 {
                return .unknownKey(code: code)
            }
            if sym == UInt32(XKB_KEY_Return) || sym == UInt32(XKB_KEY_KP_Enter) || sym == UInt32(XKB_KEY_Tab) {
                return .terminator
            }
            var buffer = [CChar](repeating: 0, count: 16)
            let n = xkb_state_key_get_utf8(state, keycode, &buffer, buffer.count)
            guard n > 0 else { return .ignored }
            return .text(String(cString: buffer))
        default:
            return .repeated(code: code)
        }
    }

    /// The keymap in XKB text form: a starting point for a custom keymap file.
    public var keymapText: String {
        guard let text = xkb_keymap_get_as_string(keymap, XKB_KEYMAP_FORMAT_TEXT_V1) else { return "" }
        defer { free(text) }
        return String(cString: text)
    }

    /// Forgets held modifiers and locks (after the device went away mid-code): a
    /// fresh state is the simplest correct reset of every one of them.
    public func reset() {
        guard let fresh = xkb_state_new(keymap) else { return }
        xkb_state_unref(state)
        state = fresh
    }
}
