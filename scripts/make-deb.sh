#!/usr/bin/env bash
# Builds the Debian package: `make install` into a staging root under /usr, then the control file (Depends from
# dpkg-shlibdeps on the binary), copyright and changelog, dpkg-deb, and lintian when installed (fails on errors).
# Usage: make-deb.sh OUT.deb VERSION  (run by `make deb`; MAINTAINER overrides the Maintainer field)
set -euo pipefail
out=$1 upstream=$2
cd "$(dirname "$0")/.."
version=$(scripts/version.sh --debian "$upstream")
arch=$(dpkg --print-architecture)
maintainer=${MAINTAINER:-vanityns maintainers <vanityns@example.org>}
work=.build-release/deb
stage=$work/debian/vanityns  # where dpkg-shlibdeps expects a package's files
doc=$stage/usr/share/doc/vanityns
# Only the newest .deb stays in the output folder, so `apt install ./dist/vanityns_*.deb` means one file.
rm -rf "$work" "$(dirname "$out")"/vanityns_*.deb && mkdir -p "$work/debian" "$(dirname "$out")"

${MAKE:-make} --no-print-directory install DESTDIR="$PWD/$stage" PREFIX=/usr VERSION="$upstream"
gzip -9n "$stage/usr/share/man/man1/vanityns.1"
# The example watch.conf is the operator's to edit: dpkg keeps their version on upgrade. The watch units are
# installed but not enabled (no maintainer script): `systemctl enable --now vanityns-watch.timer` turns them on.
install -d -m 755 "$stage/DEBIAN"
find "$stage/etc" -type f -printf '/etc/%P\n' | sort >"$stage/DEBIAN/conffiles"

# Changelog and copyright, as Debian policy wants them for every package.
install -d -m 755 "$doc"
date=$( { [ -e .git ] && git log -1 --format=%cD 2>/dev/null; } || date -uR)
printf 'vanityns (%s) unstable; urgency=medium\n\n  * Build of %s.\n\n -- %s  %s\n' \
    "$version" "$upstream" "$maintainer" "$date" | gzip -9n >"$doc/changelog.Debian.gz"
cat >"$doc/copyright" <<COPYRIGHT
vanityns: white-label DNS name servers on Amazon Route 53.

Copyright $( { [ -e .git ] && git log --reverse --format=%cs | head -n1 | cut -c1-4; } || date -u +%Y) the vanityns authors.

The binary includes, linked statically, the Swift runtime and Foundation (Apache License 2.0 with Runtime Library
Exception, Copyright Apple Inc. and the Swift project authors), swift-argument-parser and swift-crypto (Apache
License 2.0, Copyright Apple Inc.), and BoringSSL through swift-crypto (ISC and OpenSSL licenses, Copyright Google
Inc. and The OpenSSL Project). On Debian systems the Apache License 2.0 is in /usr/share/common-licenses/Apache-2.0.
COPYRIGHT
chmod 644 "$doc/copyright"

# Depends: the packages that hold the shared libraries the binary links, with their minimum versions.
install -d -m 755 "$stage/DEBIAN"
printf 'Source: vanityns\n\nPackage: vanityns\nArchitecture: any\n' >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O -e debian/vanityns/usr/bin/vanityns | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "make-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

cat >"$stage/DEBIAN/control" <<CONTROL
Package: vanityns
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Section: net
Priority: optional
Description: white-label DNS name servers on Amazon Route 53
 vanityns sets up a Route 53 reusable delegation set behind your own name
 server host names (ns1.example.com ...): glue, NS and SOA records zone by
 zone, the registrar's glue, and verification. A full-screen terminal wizard
 (works over SSH) and non-interactive commands for scripts and cron, with a
 journal so that each change can be rolled back.
CONTROL

dpkg-deb --build --root-owner-group "$stage" "$out" >/dev/null
echo "built $out"
if command -v lintian >/dev/null; then lintian --fail-on error "$out"; fi
