#!/usr/bin/env bash
# make screenshots: PNGs of the wizard for the README, taken in a real terminal (tmux) against the local stand-ins
# (moto as Route 53, nsd as the AWS name servers), seeded like the sandbox. Nothing here touches AWS.
#
# The driver starts the stand-ins and defines VANITYNS (the command line of the binary wired to them); the scenes,
# written with the functions of scripts/shot-lib.sh, come from the file given as $1 or scripts/screenshot-scenes.sh.
# Output: screenshots/*.png (SHOT_DIR to change). SHOT_TEXT_DIR=DIR also keeps each shot's text capture there;
# scripts/shot-textdiff.py compares two such runs (a refactor must leave the text as it was).
# The account limits answered the way Route 53 answers them (its defaults), not with moto's 404.
: "${PROXY_ARGS=--limits zones-per-set=100,hosted-zones=500,sets=100}"
source "$(dirname "$0")/stand-ins.sh"
source "$here/shot-lib.sh"
root="$(cd "$here/.." && pwd)"
scenes="${1:-$here/screenshot-scenes.sh}"
[ -f "$scenes" ] || { echo "screenshots: no scenes file $scenes (write one with shot_start/shot_keys/shot_wait/shot_take)" >&2; exit 1; }
python3 -c 'import PIL' 2>/dev/null || /usr/bin/python3 -c 'import PIL' 2>/dev/null \
  || { echo "screenshots: Pillow is missing; run make screenshots, which installs python3-pil/fonts-dejavu-core" >&2; exit 1; }

trap 'shot_stop; stop_standins' EXIT
SET_ID="$(python3 "$here/seed.py" --moto "$MOTO_URL")"
start_dataplane
export SET_ID
VANITYNS=("$root/.build/debug/vanityns" --endpoint-url "$MOTO_URL" --domains-endpoint-url "$MOTO_URL"
  --resolver "127.0.0.1:$DNS_PORT" --query-port "$DNS_PORT" --state-dir "$STANDINS_DIR/state")
echo "Route 53 stand-in: $MOTO_URL   DNS: 127.0.0.1:$DNS_PORT   delegation set: $SET_ID"
source "$scenes"
