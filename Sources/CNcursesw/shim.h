// Wide-character ncurses, with wrappers for the function-like macros that Swift cannot import.
#ifndef VANITYNS_CNCURSESW_SHIM_H
#define VANITYNS_CNCURSESW_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <langinfo.h>

static inline int vns_color_pair(int n) { return COLOR_PAIR(n); }
static inline int vns_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int vns_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline attr_t vns_a_normal(void) { return A_NORMAL; }
static inline attr_t vns_a_bold(void) { return A_BOLD; }
static inline attr_t vns_a_reverse(void) { return A_REVERSE; }
static inline attr_t vns_a_underline(void) { return A_UNDERLINE; }
static inline attr_t vns_a_dim(void) { return A_DIM; }
static inline WINDOW *vns_stdscr(void) { return stdscr; }
static inline int vns_lines(void) { return LINES; }
static inline int vns_cols(void) { return COLS; }
static inline int vns_colors(void) { return COLORS; }
static inline int vns_key_resize(void) { return KEY_RESIZE; }
// Added for the Terminal driver: macros and wide-character calls used by CursesDriver.
static inline int vns_attrset(int a) { return wattrset(stdscr, a); }
static inline int vns_get_wch(wint_t *w) { return wget_wch(stdscr, w); }
static inline int vns_mvaddnwstr(int y, int x, const wchar_t *s, int n) { return mvwaddnwstr(stdscr, y, x, s, n); }
static inline void vns_timeout(int ms) { wtimeout(stdscr, ms); }
static inline int vns_key_code_yes(void) { return KEY_CODE_YES; }
static inline const char *vns_codeset(void) { return nl_langinfo(CODESET); }
static inline int vns_wcwidth(wchar_t c) { return wcwidth(c); }
#endif
