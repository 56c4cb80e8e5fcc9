#!/bin/bash
# build-deb.sh [OUTDIR]: builds nodeinit_*.deb with dpkg-buildpackage
# (debian/), from a scratch copy of this tree's files (tracked, and new ones
# git does not ignore), so neither the tree nor its build directories change.
# Copies the .deb, .changes and .buildinfo to OUTDIR (default: the tree's
# top). DEB_BUILD_OPTIONS passes through (nocheck, parallel=N, ...).
# Needs: dpkg-dev, debhelper and the Build-Depends of debian/control.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$top}")
[ -d "$top/.git" ] || { echo "build-deb.sh: needs a git tree (debian/ is not in the release tarball)" >&2; exit 2; }
work=$(mktemp -d /tmp/nit-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/nodeinit" "$out"
# --ignore-failed-read: a tracked file deleted in the work tree is left out
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
        tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$work/nodeinit" -xf -

export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc)}
(cd "$work/nodeinit" && dpkg-buildpackage -us -uc -b)
# with the -dbgsym package, which the .changes lists
cp "$work"/*.deb "$work"/nodeinit_*.changes "$work"/nodeinit_*.buildinfo "$out"/
ls "$out"/nodeinit_*.deb
