package geo

import (
	_ "embed"
	"sort"
	"strconv"
)

// The positions of communes (by INSEE code) and EPCI (by SIREN number) in
// longitude and latitude, written by scripts/geo-places.sh: fixed-width
// lines sorted by code, searched in place so that they cost no memory
// until a line is read.
var (
	//go:embed communes.txt
	communesData string
	//go:embed epci.txt
	epciData string
)

// LonLat is a position on the Earth, in degrees.
type LonLat struct{ Lon, Lat float64 }

// Commune returns where the commune of INSEE code code lies: its GeoNames
// place (see scripts/geo-places). ok is false for a code it does not know:
// a commune of under 500 inhabitants, an overseas one, or a code that is
// not an INSEE code.
func Commune(code string) (LonLat, bool) { return lookup(communesData, 5, code) }

// EPCI returns where the EPCI of SIREN number code lies: the mean of its
// member communes' places.
func EPCI(code string) (LonLat, bool) { return lookup(epciData, 9, code) }

// lookup finds code in data, lines of width+17 bytes: the code, then
// " %+7.4f %7.4f\n" (longitude, latitude).
func lookup(data string, width int, code string) (LonLat, bool) {
	if len(code) != width {
		return LonLat{}, false
	}
	size := width + 17
	n := len(data) / size
	i := sort.Search(n, func(i int) bool { return data[i*size:i*size+width] >= code })
	if i == n || data[i*size:i*size+width] != code {
		return LonLat{}, false
	}
	return parseRecord(data[i*size:(i+1)*size], width)
}

func parseRecord(line string, width int) (LonLat, bool) {
	lon, err1 := strconv.ParseFloat(line[width+1:width+8], 64)
	lat, err2 := strconv.ParseFloat(line[width+9:width+16], 64)
	return LonLat{lon, lat}, err1 == nil && err2 == nil
}

// eachCommune calls f with every commune's code and position, in the order
// of their codes.
func eachCommune(f func(code string, at LonLat)) {
	const size = 5 + 17
	for i := 0; i+size <= len(communesData); i += size {
		if p, ok := parseRecord(communesData[i:i+size], 5); ok {
			f(communesData[i:i+5], p)
		}
	}
}
