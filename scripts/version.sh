#!/usr/bin/env bash
# Prints the version to build: `git describe` in a git checkout, the VERSION file in a source tarball, else 0.0.0-dev.
# Only characters that are safe in a C string and a file name are kept.
# --debian [V]: V (default: the above) as a Debian package version: v1.2-3-gabc -> 1.2+git3.gabc-1, an untagged
# abc -> 0.0.0+gabc-1, -dirty -> +dirty or .dirty, other hyphens (1.0-rc1, 0.0.0-dev) -> ~ (sorts before the
# release); -1 is the Debian revision, the first (and only) packaging of that version.
set -euo pipefail
cd "$(dirname "$0")/.."
describe() {
    local v
    if [ -e .git ] && v=$(git describe --tags --always --dirty 2>/dev/null); then :
    elif [ -s VERSION ]; then v=$(head -n1 VERSION)
    else v=0.0.0-dev
    fi
    printf '%s\n' "$v" | tr -cd 'A-Za-z0-9.+~_-'
    echo
}
[ "${1:-}" = --debian ] || { describe; exit 0; }

v=${2:-$(describe)}
dirty=""; [[ $v == *-dirty ]] && { dirty=dirty; v=${v%-dirty}; }
v=${v#v}
if [[ $v =~ ^([0-9][A-Za-z0-9.+~-]*)-([0-9]+)-(g[0-9a-f]+)$ ]]; then v="${BASH_REMATCH[1]}+git${BASH_REMATCH[2]}.${BASH_REMATCH[3]}"
elif [[ $v =~ ^[0-9a-f]{4,}$ && $v =~ [a-f] ]]; then v="0.0.0+g$v"
elif ! [[ $v =~ ^[0-9] ]]; then v="0.0.0+$v"
fi
v=$(printf '%s' "$v" | tr '_-' '.~')
if [ -n "$dirty" ]; then [[ $v == *+* ]] && v="$v.$dirty" || v="$v+$dirty"; fi
echo "$v-1"
