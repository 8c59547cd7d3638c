import CNcursesw

/// Column widths of text as a terminal shows it: `wcwidth` per character, with a built-in table for East Asian
/// wide characters and emoji when the C library's locale cannot say (the "C" locale in tests).
public enum TextWidth {
    /// Columns taken by one character (0 for combining marks, 2 for CJK and emoji).
    public static func of(_ ch: Character) -> Int {
        guard let first = ch.unicodeScalars.first else { return 0 }
        if first.value < 0x7F { return first.value < 0x20 ? 0 : 1 }
        if ch.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        let w = Int(vns_wcwidth(wchar_t(bitPattern: first.value)))
        if w >= 0 && !(w == 1 && isWide(first.value)) { return w }
        if (0x300...0x36F).contains(first.value) || first.value == 0x200D { return 0 }
        return isWide(first.value) ? 2 : 1
    }

    /// Columns taken by a string.
    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD: return true
        default: return false
        }
    }

    /// `s` cut to at most `width` columns, ending with `…` when cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return s }
        var out = "", used = 0
        for ch in s {
            let w = of(ch)
            if used + w > width - 1 { break }
            out.append(ch); used += w
        }
        return out + "…"
    }

    /// `s` truncated or padded with spaces to exactly `width` columns (right-aligned when `right`).
    public static func pad(_ s: String, to width: Int, right: Bool = false) -> String {
        let t = truncate(s, to: width)
        let gap = String(repeating: " ", count: max(0, width - of(t)))
        return right ? gap + t : t + gap
    }
}
