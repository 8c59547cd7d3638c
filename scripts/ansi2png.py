#!/usr/bin/env python3
"""Render a terminal screen captured with `tmux capture-pane -p -e` as a PNG.

Usage: ansi2png.py --cols 80 --rows 24 in.ansi out.png [--title "..."] [--font-size 16]

Understands SGR colours (16, 256 and truecolor), bold, dim, italic, underline, reverse, strike-through and hidden;
UTF-8 with wide characters (two cells) and combining marks; the VT100 line-drawing set (SO/SI or ESC ( 0, as tmux
marks ncurses' ACS cells). Box-drawing and block characters are drawn as shapes, so tables and frames join without
gaps; everything else uses DejaVu Sans Mono on an exact cell grid.
Needs Pillow and the DejaVu fonts: `make screenshots` installs python3-pil and fonts-dejavu-core.
"""
import argparse
import os
import sys
import unicodedata

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = {  # (bold, italic) -> file
    (False, False): "DejaVuSansMono.ttf",
    (True, False): "DejaVuSansMono-Bold.ttf",
    (False, True): "DejaVuSansMono-Oblique.ttf",
    (True, True): "DejaVuSansMono-BoldOblique.ttf",
}
# Tried in order for characters the monospace font lacks (symbols, CJK when a CJK font is installed).
FALLBACK_FONTS = [
    f"{FONT_DIR}/DejaVuSans.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
]
MISSING = "run make screenshots, which installs python3-pil/fonts-dejavu-core"


def import_pillow():
    """Pillow from this interpreter, or re-run under Debian's /usr/bin/python3 where python3-pil lives."""
    try:
        from PIL import Image, ImageDraw, ImageFont
        return Image, ImageDraw, ImageFont
    except ImportError:
        system = "/usr/bin/python3"
        if (os.path.exists(system) and not os.environ.get("ANSI2PNG_REEXEC")
                and os.path.realpath(sys.executable) != os.path.realpath(system)):
            os.environ["ANSI2PNG_REEXEC"] = "1"
            os.execv(system, [system] + sys.argv)
        sys.exit(f"ansi2png: Pillow (PIL) is not installed for {sys.executable}; {MISSING}")


# --- colours -------------------------------------------------------------------------------------------------------

BACKGROUND = (30, 30, 30)
FOREGROUND = (212, 212, 212)
# A dark theme's 16 colours (VS Code Dark+ terminal), readable on the background above.
PALETTE16 = [
    (0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16),
    (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229),
    (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
    (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255),
]


def palette256(n):
    """The xterm 256-colour palette: 16 theme colours, a 6x6x6 cube, 24 greys."""
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    g = 8 + 10 * (n - 232)
    return (g, g, g)


def blend(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


# --- parsing -------------------------------------------------------------------------------------------------------

ACS = dict(zip("jklmnqtuvwxa`fg~oprsyz{|}+,-.0hi", "┘┐┌└┼─├┤┴┬│▒◆°±·⎺⎻⎼⎽≤≥π≠£→←↑↓█░␋"))


class Style:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse", "strike", "hidden")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None  # None: the default colour; else an (r, g, b) tuple
        self.bold = self.dim = self.italic = self.underline = self.reverse = self.strike = self.hidden = False

    def copy(self):
        s = Style()
        for k in self.__slots__:
            setattr(s, k, getattr(self, k))
        return s


class Cell:
    __slots__ = ("text", "style", "width")

    def __init__(self, text, style, width):
        self.text, self.style, self.width = text, style, width


def char_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def extended_colour(params, i):
    """Parses 38/48 arguments starting at params[i] (after the 38/48). Returns (colour or None, next index)."""
    if i < len(params) and params[i] and params[i][0] == 5:  # 5;n or 5:n
        p = params[i]
        if len(p) > 1:
            return palette256(p[1] % 256), i + 1
        if i + 1 < len(params):
            return palette256(params[i + 1][0] % 256), i + 2
        return None, i + 1
    if i < len(params) and params[i] and params[i][0] == 2:  # 2;r;g;b or 2:[colourspace:]r:g:b
        p = params[i]
        if len(p) >= 4:
            rgb = p[-3:]
            return tuple(max(0, min(255, v)) for v in rgb), i + 1
        if i + 3 < len(params):
            return tuple(max(0, min(255, params[i + k][0])) for k in (1, 2, 3)), i + 4
        return None, len(params)
    return None, i + 1


def apply_sgr(style, text):
    params = []
    for part in (text or "0").split(";"):
        params.append([int(x) if x.isdigit() else 0 for x in part.split(":")] if part else [0])
    i = 0
    while i < len(params):
        p = params[i]
        c = p[0]
        i += 1
        if c == 0:
            style.reset()
        elif c == 1:
            style.bold = True
        elif c == 2:
            style.dim = True
        elif c == 3:
            style.italic = True
        elif c == 4:
            style.underline = len(p) < 2 or p[1] != 0
        elif c == 7:
            style.reverse = True
        elif c == 8:
            style.hidden = True
        elif c == 9:
            style.strike = True
        elif c == 21:
            style.underline = True
        elif c == 22:
            style.bold = style.dim = False
        elif c == 23:
            style.italic = False
        elif c == 24:
            style.underline = False
        elif c == 27:
            style.reverse = False
        elif c == 28:
            style.hidden = False
        elif c == 29:
            style.strike = False
        elif 30 <= c <= 37:
            style.fg = PALETTE16[c - 30]
        elif 90 <= c <= 97:
            style.fg = PALETTE16[c - 90 + 8]
        elif 40 <= c <= 47:
            style.bg = PALETTE16[c - 40]
        elif 100 <= c <= 107:
            style.bg = PALETTE16[c - 100 + 8]
        elif c == 39:
            style.fg = None
        elif c == 49:
            style.bg = None
        elif c in (38, 48, 58):
            if len(p) > 1:  # colon form: 38:5:n or 38:2::r:g:b, all in one parameter
                colour, _ = extended_colour([p[1:]], 0)
            else:
                colour, i = extended_colour(params, i)
            if c == 38:
                style.fg = colour
            elif c == 48:
                style.bg = colour
        # blink, fonts, overline and the rest: ignored


def parse(data, cols, rows):
    """Turns the capture into a rows x cols grid of Cell (or None for an untouched cell)."""
    grid = [[None] * cols for _ in range(rows)]
    style = Style()
    shifted = False  # VT100 line drawing (SO, or ESC ( 0); tmux carries it across line ends
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for y, line in enumerate(lines[:rows]):
        x = 0
        i = 0
        n = len(line)
        while i < n:
            ch = line[i]
            i += 1
            if ch == "\x1b":
                if i >= n:
                    break
                kind = line[i]
                i += 1
                if kind == "[":
                    j = i
                    while j < n and not ("\x40" <= line[j] <= "\x7e"):
                        j += 1
                    if j < n and line[j] == "m":
                        apply_sgr(style, line[i:j])
                    i = j + 1
                elif kind == "]":  # OSC ... BEL | ESC \
                    while i < n and line[i] != "\x07" and not (line[i] == "\x1b"):
                        i += 1
                    i += 2 if i < n and line[i] == "\x1b" else 1
                elif kind in "()":
                    if i < n and kind == "(":
                        shifted = line[i] == "0"
                    i += 1
                continue
            if ch == "\x0e":
                shifted = True
                continue
            if ch == "\x0f":
                shifted = False
                continue
            if ch == "\t":
                x = min(cols, (x // 8 + 1) * 8)
                continue
            if ch < " " or ch == "\x7f" or ch == "\r":
                continue
            if shifted:
                ch = ACS.get(ch, ch)
            w = char_width(ch)
            if w == 0:
                if x > 0:  # a combining mark joins the character before it
                    prev = grid[y][x - 1] or (grid[y][x - 2] if x > 1 else None)
                    if prev is not None:
                        prev.text += ch
                continue
            if x + w > cols:
                continue
            grid[y][x] = Cell(ch, style.copy(), w)
            if w == 2:
                grid[y][x + 1] = Cell("", grid[y][x].style, 0)
            x += w
    return grid


# --- box drawing ---------------------------------------------------------------------------------------------------

LIGHT, HEAVY, DOUBLE = 1, 2, 3
DIRS = {"UP": ("U",), "DOWN": ("D",), "LEFT": ("L",), "RIGHT": ("R",),
        "HORIZONTAL": ("L", "R"), "VERTICAL": ("U", "D")}
WEIGHTS = {"LIGHT": LIGHT, "SINGLE": LIGHT, "HEAVY": HEAVY, "DOUBLE": DOUBLE}
_box_cache = {}


def box_lines(ch):
    """For U+2500..U+257F: which of up/down/left/right have a line and how heavy, read from the Unicode name
    ("BOX DRAWINGS DOWN SINGLE AND RIGHT DOUBLE"). None for dashes and diagonals (drawn by the font)."""
    if ch in _box_cache:
        return _box_cache[ch]
    result = None
    name = unicodedata.name(ch, "")
    if name.startswith("BOX DRAWINGS ") and "DASH" not in name and "DIAGONAL" not in name:
        lines = {}
        default = None
        pending = []
        for part in name[len("BOX DRAWINGS "):].replace("ARC ", "").split(" AND "):
            words = part.split()
            weight = next((WEIGHTS[w] for w in words if w in WEIGHTS), None)
            dirs = [d for w in words if w in DIRS for d in DIRS[w]]
            if weight is None:
                pending += dirs
            else:
                default = default or weight
                for d in dirs:
                    lines[d] = weight
        for d in pending:
            lines[d] = default or LIGHT
        result = lines or None
    _box_cache[ch] = result
    return result


def draw_box(draw, x0, y0, cw, ch, lines, colour):
    t = max(1, round(cw / 8))  # light line thickness
    thick = {LIGHT: t, HEAVY: 2 * t + (1 if t == 1 else 0)}
    gap = t  # half the distance between the strokes of a double line
    cx, cy = x0 + cw // 2, y0 + ch // 2
    x1, y1 = x0 + cw, y0 + ch
    vec = {"U": (0, -1), "D": (0, 1), "L": (-1, 0), "R": (1, 0)}
    sides = {"U": ("L", "R"), "D": ("L", "R"), "L": ("U", "D"), "R": ("U", "D")}
    opposite = {"U": "D", "D": "U", "L": "R", "R": "L"}
    widest = max((thick.get(w, t) for w in lines.values()), default=t)
    has_double = any(w == DOUBLE for w in lines.values())

    def rect(ax, ay, bx, by):
        draw.rectangle([min(ax, bx), min(ay, by), max(ax, bx) - 1, max(ay, by) - 1], fill=colour)

    def stroke(d, offset, start, width):
        """A line toward direction d, shifted sideways by offset, from `start` (distance from the centre, signed
        along d) to the cell's edge."""
        dx, dy = vec[d]
        lo = -(width // 2)
        if dx == 0:
            sx = cx + offset
            sy = cy + dy * start
            rect(sx + lo, sy, sx + lo + width, y1 if dy > 0 else y0)
        else:
            sy = cy + offset
            sx = cx + dx * start
            rect(sx, sy + lo, x1 if dx > 0 else x0, sy + lo + width)

    for d, w in lines.items():
        if w == DOUBLE:
            for side, sign in zip(sides[d], (-1, 1)):
                # The stroke on a side where another double line leaves stops where that line's near stroke runs;
                # otherwise it runs past the centre to close the outer corner or meet the opposite line.
                start = gap if lines.get(side) == DOUBLE else -gap
                stroke(d, sign * gap, start, t)
        else:
            width = thick[w]
            perpendicular_double = any(lines.get(s) == DOUBLE for s in sides[d])
            reach = gap + t if perpendicular_double and opposite[d] not in lines else widest // 2
            stroke(d, 0, -reach, width)


def draw_block(draw, x0, y0, cw, ch, c, fg, bg):
    """Block elements U+2580..U+259F that tile exactly. Returns False for those left to the font."""
    o = ord(c)
    full = [x0, y0, x0 + cw - 1, y0 + ch - 1]
    if o == 0x2588:
        draw.rectangle(full, fill=fg)
    elif o == 0x2580:
        draw.rectangle([x0, y0, x0 + cw - 1, y0 + ch // 2 - 1], fill=fg)
    elif 0x2581 <= o <= 0x2587:  # lower eighths
        h = round(ch * (o - 0x2580) / 8)
        draw.rectangle([x0, y0 + ch - h, x0 + cw - 1, y0 + ch - 1], fill=fg)
    elif 0x2589 <= o <= 0x258F:  # left eighths
        w = round(cw * (0x2590 - o) / 8)
        draw.rectangle([x0, y0, x0 + w - 1, y0 + ch - 1], fill=fg)
    elif o == 0x2590:
        draw.rectangle([x0 + cw // 2, y0, x0 + cw - 1, y0 + ch - 1], fill=fg)
    elif 0x2591 <= o <= 0x2593:  # light, medium, dark shade
        draw.rectangle(full, fill=blend(bg, fg, (o - 0x2590) / 4))
    elif o == 0x2594:
        draw.rectangle([x0, y0, x0 + cw - 1, y0 + max(1, ch // 8) - 1], fill=fg)
    elif o == 0x2595:
        draw.rectangle([x0 + cw - max(1, cw // 8), y0, x0 + cw - 1, y0 + ch - 1], fill=fg)
    else:
        return False
    return True


# --- rendering -----------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="Render `tmux capture-pane -p -e` output as a PNG.")
    ap.add_argument("--cols", type=int, required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--title", help="draw a window title bar with this title")
    ap.add_argument("--font-size", type=int, default=16, help="pixels (default 16)")
    ap.add_argument("input", help="the capture (- for standard input)")
    ap.add_argument("output", help="the PNG to write")
    args = ap.parse_args()

    Image, ImageDraw, ImageFont = import_pillow()
    fonts = {}
    for key, name in FONTS.items():
        path = os.path.join(FONT_DIR, name)
        if not os.path.exists(path):
            sys.exit(f"ansi2png: font {path} is missing; {MISSING}")
        fonts[key] = ImageFont.truetype(path, args.font_size)
    fallbacks = [ImageFont.truetype(p, args.font_size) for p in FALLBACK_FONTS if os.path.exists(p)]

    data = sys.stdin.read() if args.input == "-" else open(args.input, encoding="utf-8", errors="replace").read()
    grid = parse(data, args.cols, args.rows)

    regular = fonts[(False, False)]
    ascent, descent = regular.getmetrics()
    cw = round(regular.getlength("M"))
    ch = ascent + descent + max(1, args.font_size // 8)
    baseline = ascent + max(1, args.font_size // 8) // 2

    pad = cw
    bar = round(ch * 1.6) if args.title else 0
    width, height = args.cols * cw + 2 * pad, args.rows * ch + 2 * pad + bar
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    radius = max(4, cw)
    draw.rounded_rectangle([0, 0, width - 1, height - 1], radius=radius, fill=BACKGROUND + (255,),
                           outline=(70, 70, 70, 255))
    if args.title:
        draw.rounded_rectangle([0, 0, width - 1, bar + radius], radius=radius, fill=(50, 50, 52, 255),
                               outline=(70, 70, 70, 255))
        draw.rectangle([1, bar, width - 2, bar + radius], fill=BACKGROUND)
        r = max(3, bar // 5)
        for k, dot in enumerate([(255, 95, 86), (255, 189, 46), (39, 201, 63)]):
            cx = pad + r + k * (3 * r)
            draw.ellipse([cx - r, bar // 2 - r, cx + r, bar // 2 + r], fill=dot)
        draw.text((width // 2, bar // 2), args.title, font=regular, fill=(170, 170, 170), anchor="mm")

    missing_cache = {}

    def has_glyph(font, c):
        key = (id(font), c)
        if key not in missing_cache:
            try:
                notdef = font.getmask("\U0010fffd")
                mask = font.getmask(c)
                missing_cache[key] = not (mask.size == notdef.size and bytes(mask) == bytes(notdef))
            except Exception:
                missing_cache[key] = False
        return missing_cache[key]

    def font_for(text, style):
        primary = fonts[(style.bold, style.italic)]
        base = text[0]
        if has_glyph(primary, base):
            return primary
        return next((f for f in fallbacks if has_glyph(f, base)), primary)

    top = pad + bar
    for y, row in enumerate(grid):
        for x, cell in enumerate(row):
            if cell is None or cell.width == 0:
                continue
            s = cell.style
            fg, bg = s.fg or FOREGROUND, s.bg or BACKGROUND
            if s.reverse:
                fg, bg = bg, fg
            if s.dim:
                fg = blend(fg, bg, 0.45)
            if s.hidden:
                fg = bg
            x0, y0 = pad + x * cw, top + y * ch
            span = cw * cell.width
            if bg != BACKGROUND:
                draw.rectangle([x0, y0, x0 + span - 1, y0 + ch - 1], fill=bg)
            c = cell.text
            if c != " ":
                lines = box_lines(c) if len(c) == 1 and 0x2500 <= ord(c) <= 0x257F else None
                if lines:
                    draw_box(draw, x0, y0, cw, ch, lines, fg)
                elif not (len(c) == 1 and 0x2580 <= ord(c) <= 0x259F and draw_block(draw, x0, y0, cw, ch, c, fg, bg)):
                    font = font_for(c, s)
                    glyph = font.getlength(c)
                    gx = x0 + (span - glyph) / 2 if font is not fonts[(s.bold, s.italic)] or cell.width == 2 else x0
                    draw.text((gx, y0 + baseline), c, font=font, fill=fg, anchor="ls")
            line = max(1, args.font_size // 14)
            if s.underline:
                uy = y0 + baseline + max(1, descent // 2)
                draw.rectangle([x0, uy, x0 + span - 1, uy + line - 1], fill=fg)
            if s.strike:
                sy = y0 + baseline - ascent // 3
                draw.rectangle([x0, sy, x0 + span - 1, sy + line - 1], fill=fg)

    image.save(args.output)


if __name__ == "__main__":
    main()
