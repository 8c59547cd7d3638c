#!/usr/bin/env bash
# Generates the man page and the bash, zsh and fish completions from the command definitions of a built binary.
# Usage: generate-docs.sh VANITYNS GENERATE_MANUAL OUTDIR
# The man page is swift-argument-parser's generate-manual run on the binary (what its GenerateManual plugin runs),
# dated by the last commit so that a rebuild of the same commit gives the same page.
# Writes OUTDIR/vanityns.1, vanityns.bash, _vanityns (zsh) and vanityns.fish.
set -euo pipefail
bin=$1 generate_manual=$2 out=$3
cd "$(dirname "$0")/.."
mkdir -p "$out"
date=$( { [ -e .git ] && git log -1 --format=%cs 2>/dev/null; } || date -u +%F)
"$generate_manual" "$bin" --date "$date" --section 1 --output-directory - |
    sed 's/^$/.Pp/' >"$out/vanityns.1"  # blank lines in mdoc are groff warnings; .Pp is the paragraph break
# A completion file is sourced, not run: no #! line.
"$bin" --generate-completion-script bash | sed '1{/^#!/d}' >"$out/vanityns.bash"
"$bin" --generate-completion-script zsh >"$out/_vanityns"
"$bin" --generate-completion-script fish >"$out/vanityns.fish"
