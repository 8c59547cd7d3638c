# Terminal screenshots with tmux, for the README. Source this file, then:
#   shot_start 100 30 cmd args...   run cmd in a 100x30 terminal on a private tmux server (inherits the environment)
#   shot_keys Down Down Enter       send keys by tmux name (Enter, Escape, Tab, BSpace, C-c, Up, F1, ...)
#   shot_type "example.com"         type text literally
#   shot_wait "Delegation set" [30] wait until the text is on screen (default 10 s); on timeout print the screen, fail
#   shot_resize 120 40              resize the terminal
#   shot_take 01-welcome ["title"]  save $SHOT_DIR/01-welcome.png (title bar: $SHOT_TITLE, default "vanityns")
#   shot_stop                       kill the tmux server (safe to call twice; call it from your EXIT trap)
# Settings: SHOT_DIR (default <repo>/screenshots), SHOT_TERM (default tmux-256color: its terminfo has no bce, so
# ncurses paints coloured areas with spaces that tmux can capture; xterm's erase-with-colour is not captured),
# SHOT_FONT_SIZE (default 16), SHOT_TEXT_DIR (unset by default: when set, shot_take also writes the plain text
# of each shot, `capture-pane -p`, as $SHOT_TEXT_DIR/<name>.txt, and with colours and attributes as <name>.ansi, so
# two runs can be compared as text; PNG bytes differ between font renderings, the text does not).
_shot_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SHOT_DIR="${SHOT_DIR:-$(cd "$_shot_here/.." && pwd)/screenshots}"
SHOT_TERM="${SHOT_TERM:-tmux-256color}"
SHOT_TITLE="${SHOT_TITLE:-vanityns}"
SHOT_FONT_SIZE="${SHOT_FONT_SIZE:-16}"
SHOT_TEXT_DIR="${SHOT_TEXT_DIR:-}"
SHOT_SOCKET=""

_shot_tmux() { env -u TMUX -u TMUX_PANE LC_ALL=C.UTF-8 tmux -u -L "$SHOT_SOCKET" "$@"; }

shot_start() {
  local cols="$1" rows="$2"; shift 2
  [ -z "$SHOT_SOCKET" ] || shot_stop
  SHOT_SOCKET="vns-shot-$$-$RANDOM"
  # Options before the pane exists; the pane stays after the program exits so its last screen can be shot.
  _shot_tmux -f /dev/null start-server \; set -g default-terminal "$SHOT_TERM" \; set -g escape-time 0 \
    \; set -g status off \; set -g remain-on-exit on \; set -g remain-on-exit-format '' \
    \; new-session -d -s shot -x "$cols" -y "$rows" env TERM="$SHOT_TERM" LANG="${LANG:-C.UTF-8}" "$@"
}

shot_keys() { _shot_tmux send-keys -t shot "$@"; }
shot_type() { _shot_tmux send-keys -t shot -l -- "$1"; }
shot_resize() { _shot_tmux resize-window -t shot -x "$1" -y "$2"; }
shot_screen() { _shot_tmux capture-pane -p -t shot; }

shot_wait() {
  local text="$1" timeout="${2:-10}" deadline
  deadline=$(( $(date +%s%N) + timeout * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    # ncurses' VT100 line drawing comes out as letters in plain captures; the wanted text is matched as-is.
    shot_screen | grep -qF -- "$text" && return 0
    sleep 0.05
  done
  echo "shot_wait: \"$text\" not on screen after ${timeout}s; the screen was:" >&2
  shot_screen | sed 's/^/  | /' >&2
  return 1
}

shot_take() {
  local name="$1" title="${2:-$SHOT_TITLE}" size cols rows tmp
  size="$(_shot_tmux display -p -t shot '#{pane_width} #{pane_height}')"
  cols="${size% *}" rows="${size#* }"
  mkdir -p "$SHOT_DIR"
  tmp="$(mktemp /tmp/vns-shot.XXXXXX)"
  # -e: colours and attributes; -N: keep trailing blanks, so backgrounds reach the right edge.
  _shot_tmux capture-pane -p -e -N -t shot >"$tmp"
  if [ -n "$SHOT_TEXT_DIR" ]; then
    mkdir -p "$SHOT_TEXT_DIR"
    _shot_tmux capture-pane -p -t shot >"$SHOT_TEXT_DIR/$name.txt"
    cp "$tmp" "$SHOT_TEXT_DIR/$name.ansi"
  fi
  if python3 "$_shot_here/ansi2png.py" --cols "$cols" --rows "$rows" --font-size "$SHOT_FONT_SIZE" \
      --title "$title" "$tmp" "$SHOT_DIR/$name.png"; then
    echo "screenshot: $SHOT_DIR/$name.png (${cols}x${rows})"
    rm -f "$tmp"
  else
    rm -f "$tmp"; return 1
  fi
}

shot_stop() {
  [ -n "$SHOT_SOCKET" ] || return 0
  local path
  path="$(_shot_tmux display -p '#{socket_path}' 2>/dev/null)" || true
  _shot_tmux kill-server 2>/dev/null || true
  [ -z "$path" ] || rm -f "$path"  # tmux leaves its socket file behind
  SHOT_SOCKET=""
}
