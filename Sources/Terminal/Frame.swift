/// A terminal size in character cells.
public struct Size: Sendable, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }
    public var description: String { "\(width)x\(height)" }
}

/// A rectangle of cells inside a frame.
public struct Rect: Sendable, Equatable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }
    /// The rectangle shrunk by `n` cells on every side (a box's inside).
    public func inset(_ n: Int = 1) -> Rect { Rect(x: x + n, y: y + n, width: max(0, width - 2 * n), height: max(0, height - 2 * n)) }
    public var maxY: Int { y + height }
}

/// What a cell means; the driver turns roles into colours, or bold/reverse when there is no colour.
public enum Role: UInt8, Sendable, Equatable, CaseIterable {
    case normal, title, border, heading, selected, dim, accent, ok, warn, error, key
}

/// One character cell: a grapheme (empty for the right half of a wide character) and its role.
public struct Cell: Sendable, Equatable {
    public var text: String
    public var role: Role
    public init(_ text: String = " ", role: Role = .normal) { self.text = text; self.role = role }
}

/// A full screen of styled cells: plain data, so a view that returns one is a pure function.
public struct Frame: Sendable, Equatable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: Cell(), count: max(0, size.width * size.height))
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    /// Writes `text` at (x, y), at most `width` columns (default: to the right edge), clipping (never wrapping).
    /// A wide character that would not fit is replaced by a space. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, width: Int? = nil, role: Role = .normal) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = min(size.width, x + (width ?? size.width))
        var col = x
        for ch in text {
            let w = TextWidth.of(ch)
            if w == 0 { continue }
            if col + w > limit { if col < limit && col >= 0 { self[col, y] = Cell(" ", role: role); col += 1 }; break }
            if col >= 0 {
                // Clean up a wide character whose half is overwritten (on the left only at the start of this text).
                if col == x, col > 0, self[col, y].text.isEmpty { self[col - 1, y] = Cell(" ", role: self[col - 1, y].role) }
                self[col, y] = Cell(String(ch), role: role)
                if w == 2 { self[col + 1, y] = Cell("", role: role) }
                if col + w < size.width, self[col + w, y].text.isEmpty { self[col + w, y] = Cell(" ", role: self[col + w, y].role) }
            }
            col += w
        }
        return col - x
    }

    /// Paints a rectangle with spaces in `role`.
    public mutating func fill(_ r: Rect, role: Role = .normal) {
        for yy in max(0, r.y)..<min(size.height, r.maxY) {
            for xx in max(0, r.x)..<min(size.width, r.x + r.width) { self[xx, yy] = Cell(" ", role: role) }
        }
    }

    /// Sets the role of every cell of row `y` from `x` for `width` columns (a selection bar).
    public mutating func paint(x: Int, y: Int, width: Int, role: Role) {
        guard y >= 0, y < size.height else { return }
        for xx in max(0, x)..<min(size.width, x + width) { self[xx, y].role = role }
    }

    /// The frame as plain text, one string per row, trailing spaces kept so columns can be compared.
    public var lines: [String] {
        (0..<size.height).map { y in (0..<size.width).map { self[$0, y].text }.joined() }
    }

    /// The frame as plain text with trailing spaces removed (for readable test failures).
    public var text: String {
        lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
    }
}
