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

// SIGWINCH reaches whichever thread does not block it, rarely the screen thread asleep in poll(): ncurses' own
// handler only sets a flag that the next wget_wch turns into KEY_RESIZE. This handler calls ncurses' (saved) and then
// writes a byte to the wake-up pipe, so the screen loop wakes, reads KEY_RESIZE and redraws at once.
// Storage lives in function-local statics: Swift emits a header's inline functions, not its file-scope statics.
#include <signal.h>
#include <string.h>
#include <unistd.h>
static inline int *vns_winch_fd(void) { static int fd = -1; return &fd; }
static inline struct sigaction *vns_winch_previous(void) { static struct sigaction previous; return &previous; }
static inline void vns_winch_handler(int sig) {
    struct sigaction *p = vns_winch_previous();
    if (!(p->sa_flags & SA_SIGINFO) && p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN && p->sa_handler != NULL) {
        p->sa_handler(sig);
    }
    if (*vns_winch_fd() >= 0) { char b = 'w'; ssize_t n = write(*vns_winch_fd(), &b, 1); (void)n; }
}
/// Installs the handler above in front of ncurses' (call after initscr); `fd` is the write end of the wake-up pipe,
/// -1 stops the writes.
static inline int vns_watch_winch(int fd) {
    *vns_winch_fd() = fd;
    if (fd < 0) { return 0; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = vns_winch_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(SIGWINCH, &sa, vns_winch_previous());
}
#endif
