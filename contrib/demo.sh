#!/bin/bash
# nodeinit's main job on an embedded default: builds nodeinit, then checks
# the example cloud-configs shipped in data/examples (the seed's EC2 cluster
# config among them) the way a boot would read them.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/contrib/deps.sh"
"$top/contrib/build.sh" "$top/build"
echo "== nodeinit validate data/examples/*.yml"
"$top/build/nodeinit" validate "$top"/data/examples/*.yml
