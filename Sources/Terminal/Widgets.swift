// Widgets: pure functions that draw into a region of a frame.

/// Box-drawing and marker glyphs. Frames always hold the Unicode forms; a driver in a non-UTF-8 locale maps them
/// to ASCII with `ascii(_:)` (same width, so columns never move).
public enum Glyph {
    public static let horizontal = "─", vertical = "│", topLeft = "┌", topRight = "┐", bottomLeft = "└", bottomRight = "┘"
    public static let marker = "▸", ellipsis = "…", check = "✓", cross = "✗", arrow = "→", warning = "!"
    /// Braille spinner frames.
    public static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// The ASCII stand-in for a single-column glyph; `?` for other non-ASCII characters (`??` when wide).
    public static func ascii(_ text: String) -> String {
        if text.allSatisfy(\.isASCII) { return text }
        switch text {
        case "─": return "-"
        case "│": return "|"
        case "┌", "┐", "└", "┘", "├", "┤": return "+"
        case "▸": return ">"
        case "…": return "~"
        case "✓": return "+"
        case "✗": return "x"
        case "→": return ">"
        case "↑": return "^"
        case "↓": return "v"
        case "←": return "<"
        case "×": return "x"
        default:
            if spinner.contains(text) { return "*" }
            return TextWidth.of(text) == 2 ? "??" : "?"
        }
    }
}

/// Widgets drawn into frames.
public enum Widgets {
    /// A box with a title in its top border; returns the inside.
    @discardableResult
    public static func box(_ f: inout Frame, _ r: Rect, title: String? = nil, focused: Bool = false) -> Rect {
        guard r.width >= 2, r.height >= 2 else { return Rect(x: r.x, y: r.y, width: 0, height: 0) }
        let role: Role = focused ? .accent : .border
        let h = String(repeating: Glyph.horizontal, count: r.width - 2)
        f.put(Glyph.topLeft + h + Glyph.topRight, x: r.x, y: r.y, role: role)
        for y in (r.y + 1)..<(r.maxY - 1) {
            f.put(Glyph.vertical, x: r.x, y: y, role: role)
            f.fill(Rect(x: r.x + 1, y: y, width: r.width - 2, height: 1))
            f.put(Glyph.vertical, x: r.x + r.width - 1, y: y, role: role)
        }
        f.put(Glyph.bottomLeft + h + Glyph.bottomRight, x: r.x, y: r.maxY - 1, role: role)
        if let title, r.width > 6 {
            f.put(" " + TextWidth.truncate(title, to: r.width - 6) + " ", x: r.x + 2, y: r.y, role: focused ? .accent : .heading)
        }
        return r.inset()
    }

    /// A column of a table.
    public struct Column: Sendable {
        public var title: String
        public var width: Int
        public var rightAligned: Bool
        /// The narrowest it gets when columns are fitted (besides its title and 4).
        public var minimum: Int
        public init(_ title: String, _ width: Int, right: Bool = false, minimum: Int = 0) {
            self.title = title; self.width = width; rightAligned = right; self.minimum = minimum
        }
    }

    /// Column widths that fit `total`: each column gets at most its wish; the widest shrinks first, one column at a
    /// time, never below its title, its minimum (or 4).
    public static func fitColumns(_ cols: [Column], total: Int, gap: Int = 2) -> [Column] {
        var out = cols
        var excess = cols.reduce(0) { $0 + $1.width } + gap * max(0, cols.count - 1) - total
        while excess > 0 {
            let floors = out.map { max(4, TextWidth.of($0.title), $0.minimum) }
            guard let i = out.indices.filter({ out[$0].width > floors[$0] }).max(by: { out[$0].width < out[$1].width }) else { break }
            out[i].width -= 1; excess -= 1
        }
        return out
    }

    /// Column widths that fit `total`, shrinking the columns in `shrinkFirst` (in that order, each down to its title
    /// or 4) before any other; then the widest-first rule of `fitColumns(_:total:gap:)`. For tables where one column
    /// can lose its tail (an IPv6 address, a problem text) but the others must stay whole.
    public static func fitColumns(_ cols: [Column], total: Int, gap: Int = 2, shrinkFirst: [Int]) -> [Column] {
        var out = cols
        var excess = cols.reduce(0) { $0 + $1.width } + gap * max(0, cols.count - 1) - total
        for i in shrinkFirst where excess > 0 && out.indices.contains(i) {
            let cut = min(excess, max(0, out[i].width - max(4, TextWidth.of(out[i].title), out[i].minimum)))
            out[i].width -= cut; excess -= cut
        }
        return fitColumns(out, total: total, gap: gap)
    }

    /// Columns as wide as their widest cell or title, each at most its `width` (the bound), then fitted to `total`:
    /// the columns in `shrinkFirst` give way first, so an id column is never cut while another column can shrink.
    public static func fitColumns(_ bounds: [Column], rows: [[String]], total: Int, gap: Int = 2, shrinkFirst: [Int] = []) -> [Column] {
        var cols = bounds
        for i in cols.indices {
            let widest = rows.reduce(TextWidth.of(cols[i].title)) { i < $1.count ? max($0, TextWidth.of($1[i])) : $0 }
            cols[i].width = min(bounds[i].width, widest)
        }
        return fitColumns(cols, total: total, gap: gap, shrinkFirst: shrinkFirst)
    }

    /// A column as wide as the widest of its title and `cells` (at least `minimum`).
    public static func contentColumn(_ title: String, _ cells: [String], minimum: Int = 0, right: Bool = false) -> Column {
        Column(title, max(minimum, TextWidth.of(title), cells.map { TextWidth.of($0) }.max() ?? 0), right: right)
    }

    /// One table row: each cell truncated with `…` or padded to its column.
    public static func tableRow(_ f: inout Frame, x: Int, y: Int, columns: [Column], cells: [String], roles: [Role] = [], gap: Int = 2) {
        var col = x
        for (i, c) in columns.enumerated() {
            let text = i < cells.count ? cells[i] : ""
            f.put(TextWidth.pad(text, to: c.width, right: c.rightAligned), x: col, y: y, width: c.width,
                  role: i < roles.count ? roles[i] : .normal)
            col += c.width + gap
        }
    }

    /// A table with a heading row; `rows` beyond the rect's height are cut (scroll with `offset`). Columns are fitted
    /// with `fitColumns(_:total:gap:shrinkFirst:)`.
    public static func table(_ f: inout Frame, _ r: Rect, columns: [Column], rows: [[String]], rowRoles: [Role] = [], offset: Int = 0,
                             gap: Int = 2, shrinkFirst: [Int] = []) {
        let cols = fitColumns(columns, total: r.width, gap: gap, shrinkFirst: shrinkFirst)
        tableRow(&f, x: r.x, y: r.y, columns: cols, cells: cols.map(\.title), roles: Array(repeating: .heading, count: cols.count), gap: gap)
        for (i, row) in rows.dropFirst(offset).prefix(max(0, r.height - 1)).enumerated() {
            let role = offset + i < rowRoles.count ? rowRoles[offset + i] : .normal
            tableRow(&f, x: r.x, y: r.y + 1 + i, columns: cols, cells: row, roles: Array(repeating: role, count: cols.count), gap: gap)
        }
    }

    /// The first item index to show so that `selected` stays visible in `height` rows.
    public static func scrollOffset(selected: Int, count: Int, height: Int, current: Int = 0) -> Int {
        guard height > 0, count > height else { return 0 }
        var top = min(current, count - height)
        if selected < top { top = selected }
        if selected >= top + height { top = selected - height + 1 }
        return max(0, top)
    }

    /// A list with a `▸` marker and a highlighted selected row, scrolled to keep the selection visible.
    public static func list(_ f: inout Frame, _ r: Rect, items: [String], selected: Int?, focused: Bool = true, roles: [Role] = []) {
        let top = scrollOffset(selected: selected ?? 0, count: items.count, height: r.height)
        for (i, item) in items.dropFirst(top).prefix(r.height).enumerated() {
            let idx = top + i, y = r.y + i, isSel = idx == selected
            let role = idx < roles.count ? roles[idx] : .normal
            f.put(isSel ? Glyph.marker + " " : "  ", x: r.x, y: y, role: isSel ? .accent : .normal)
            f.put(TextWidth.truncate(item, to: r.width - 2), x: r.x + 2, y: y, width: r.width - 2, role: role)
            if isSel && focused { f.paint(x: r.x + 2, y: y, width: r.width - 2, role: .selected) }
        }
        if top > 0 { f.put("↑", x: r.x + r.width - 1, y: r.y, role: .dim) }
        if top + r.height < items.count { f.put("↓", x: r.x + r.width - 1, y: r.y + r.height - 1, role: .dim) }
    }

    /// A one-line text input `label [value▏]` with the cursor drawn as a reversed cell at the end.
    public static func textInput(_ f: inout Frame, x: Int, y: Int, width: Int, label: String, value: String, focused: Bool, role: Role = .normal) {
        let lw = TextWidth.of(label)
        f.put(label, x: x, y: y, role: focused ? .accent : .normal)
        let room = max(1, width - lw - 1)
        var shown = value
        while TextWidth.of(shown) > room - 1 && !shown.isEmpty { shown.removeFirst() }
        f.put(shown, x: x + lw + 1, y: y, width: room, role: role)
        if focused { f.put(" ", x: x + lw + 1 + TextWidth.of(shown), y: y, role: .selected) }
    }

    /// `[x] label` or `[ ] label`.
    public static func checkbox(_ checked: Bool, _ label: String) -> String { (checked ? "[x] " : "[ ] ") + label }

    /// The spinner glyph for animation tick `tick`.
    public static func spinner(_ tick: Int) -> String { Glyph.spinner[abs(tick) % Glyph.spinner.count] }

    /// The footer line of key hints: `key help  key help ...`, cut to the width.
    public static func footer(_ f: inout Frame, y: Int, hints: [(String, String)]) {
        var x = 1
        for (k, h) in hints {
            let need = TextWidth.of(k) + 1 + TextWidth.of(h) + 2
            if x + need > f.size.width { break }
            f.put(k, x: x, y: y, role: .key); x += TextWidth.of(k) + 1
            f.put(h, x: x, y: y, role: .dim); x += TextWidth.of(h) + 2
        }
    }

    /// Text wrapped to `width` columns at spaces; a word longer than the width (a DKIM key, a long name) is broken
    /// at the width, so nothing is ever cut.
    public static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for para in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in para.split(separator: " ") {
                var w = String(word)
                while width > 0 && TextWidth.of(w) > width {
                    if !line.isEmpty { lines.append(line); line = "" }
                    var head = "", used = 0
                    for ch in w { if used + TextWidth.of(ch) > width { break }; head.append(ch); used += TextWidth.of(ch) }
                    if head.isEmpty { break }
                    lines.append(head); w.removeFirst(head.count)
                }
                if w.isEmpty { continue }
                if line.isEmpty { line = w }
                else if TextWidth.of(line) + 1 + TextWidth.of(w) <= width { line += " " + w }
                else { lines.append(line); line = w }
            }
            lines.append(line)
        }
        return lines
    }

    /// A centred overlay box listing every key of a keymap; any key closes it.
    public static func helpOverlay(_ f: inout Frame, title: String, lines: [(String, String)]) {
        let kw = min(16, lines.map { TextWidth.of($0.0) }.max() ?? 4)
        let w = min(f.size.width - 4, max(40, kw + 3 + (lines.map { TextWidth.of($0.1) }.max() ?? 10) + 4))
        let h = min(f.size.height - 2, lines.count + 4)
        let r = Rect(x: (f.size.width - w) / 2, y: (f.size.height - h) / 2, width: w, height: h)
        let inside = box(&f, r, title: title, focused: true)
        for (i, (k, help)) in lines.prefix(inside.height - 2).enumerated() {
            f.put(TextWidth.pad(k, to: kw), x: inside.x + 1, y: inside.y + i, role: .key)
            f.put(help, x: inside.x + 2 + kw, y: inside.y + i, width: inside.width - kw - 3)
        }
        f.put("any key closes", x: inside.x + 1, y: inside.maxY - 1, role: .dim)
    }

    /// A centred yes/no question box.
    public static func confirmOverlay(_ f: inout Frame, question: String, hint: String = "y yes   n no", title: String = "Confirm") {
        let w = min(f.size.width - 4, 64)
        let body = wrap(question, width: w - 4)
        let h = min(f.size.height - 2, body.count + 4)
        let r = Rect(x: (f.size.width - w) / 2, y: (f.size.height - h) / 2, width: w, height: h)
        let inside = box(&f, r, title: title, focused: true)
        for (i, l) in body.prefix(inside.height - 1).enumerated() { f.put(l, x: inside.x + 1, y: inside.y + i) }
        f.put(hint, x: inside.x + 1, y: inside.maxY - 1, role: .key)
    }

    /// The whole-screen "terminal too small" message; it goes away as soon as the window is big enough.
    public static func tooSmall(size: Size, need: Size) -> Frame {
        var f = Frame(size: size)
        let lines = Widgets.wrap("terminal too small (need \(need.width)x\(need.height), have \(size.width)x\(size.height))", width: max(1, size.width - 2))
            + Widgets.wrap("enlarge the window, or press q to quit", width: max(1, size.width - 2))
        let top = max(0, (size.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            f.put(l, x: max(0, (size.width - TextWidth.of(l)) / 2), y: top + i, role: i < lines.count - 1 ? .warn : .dim)
        }
        return f
    }
}
