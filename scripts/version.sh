#!/usr/bin/env bash
# Prints the version to build, from one place: the release number in the VERSION file (0.4.0). In a git checkout
# whose HEAD is the tag v<release> and clean, the release number alone; anywhere else in a checkout, the release
# number with the commit, `0.4.0+g<hash>` (`.dirty` added for uncommitted changes), which sorts after the release and
# before the next one in both Debian and semver order. Outside a checkout (a source tarball), the VERSION line as is.
# `make` stamps this into the binary (`vanityns --version` prints `vanityns VERSION`) and names the .deb with it.
# Only characters that are safe in a C string and a file name are kept.
# --debian [V]: V (default: the above) as a Debian package version: the upstream version V, with `-` as `~` (a
# pre-release such as 1.0-rc1 sorts before the release) and `_` as `.`, then `-1`, the Debian revision (the first and
# only packaging of that upstream version).
set -euo pipefail
cd "$(dirname "$0")/.."
describe() {
    local release v hash
    release=$(head -n1 VERSION 2>/dev/null | tr -cd 'A-Za-z0-9.+~_-')
    [ -n "$release" ] || { echo "version.sh: the VERSION file (the release number, e.g. 0.4.0) is missing or empty" >&2; exit 1; }
    v=$release
    if [ -e .git ] && hash=$(git rev-parse --short=7 HEAD 2>/dev/null); then
        local dirty=""
        git diff --quiet HEAD -- 2>/dev/null || dirty=.dirty
        if [ -n "$dirty" ] || [ "$(git tag --points-at HEAD 2>/dev/null | grep -Fx "v$release")" != "v$release" ]; then
            v="$release+g$hash$dirty"
        fi
    fi
    printf '%s\n' "$v" | tr -cd 'A-Za-z0-9.+~_-'
    echo
}
[ "${1:-}" = --debian ] || { describe; exit 0; }

v=${2:-$(describe)}
v=${v#v}
v=$(printf '%s' "$v" | tr '_-' '.~')
echo "$v-1"
