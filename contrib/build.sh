#!/bin/bash
# build.sh DIR [configure args...]: configure and build nodeinit out of tree.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1; shift
[ -x "$top/configure" ] || (cd "$top" && ./autogen.sh >/dev/null 2>&1)
mkdir -p "$dir"
cd "$dir"
[ -f Makefile ] && [ "$(cat .nodeinit-configure-args 2>/dev/null)" = "$*" ] || {
        "$top/configure" -q --enable-werror "$@"
        echo "$*" > .nodeinit-configure-args
}
make -j"$(nproc)" >/dev/null
make -j"$(nproc)" tests/bench/bench-exec tests/bench/empty >/dev/null
