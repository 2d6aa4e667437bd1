package passerelle_test

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// worldTerritories is the tree of testenv.World, listed children first so that
// NewTree cannot rely on the order of its input.
func worldTerritories() []passerelle.Territory {
	return []passerelle.Territory{
		{Code: "qpv-moulins", Name: "Moulins", Level: passerelle.LevelQPV, ParentCode: "59350"},
		{Code: "62193", Name: "Calais", Level: passerelle.LevelCommune, ParentCode: "62"},
		{Code: "59512", Name: "Roubaix", Level: passerelle.LevelCommune, ParentCode: "59"},
		{Code: "59350", Name: "Lille", Level: passerelle.LevelCommune, ParentCode: "59"},
		{Code: "62", Name: "Pas-de-Calais", Level: passerelle.LevelDepartment, ParentCode: "32"},
		{Code: "59", Name: "Nord", Level: passerelle.LevelDepartment, ParentCode: "32"},
		{Code: "32", Name: "Hauts-de-France", Level: passerelle.LevelRegion},
	}
}

func codes(ts []passerelle.Territory) []string {
	if ts == nil {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code
	}
	return out
}

func TestTreeWalks(t *testing.T) {
	t.Parallel()
	tree := passerelle.NewTree(worldTerritories())
	if tree.Len() != 7 {
		t.Fatalf("Len = %d, want 7", tree.Len())
	}
	tests := []struct {
		name      string
		code      string
		chain     []string
		ancestors []string
		subtree   []string
		children  []string
	}{
		{name: "qpv, a leaf four levels down", code: "qpv-moulins",
			chain: []string{"qpv-moulins", "59350", "59", "32"}, ancestors: []string{"32", "59", "59350"},
			subtree: []string{"qpv-moulins"}},
		{name: "commune", code: "59350",
			chain: []string{"59350", "59", "32"}, ancestors: []string{"32", "59"},
			subtree: []string{"59350", "qpv-moulins"}, children: []string{"qpv-moulins"}},
		{name: "department, children by name", code: "59",
			chain: []string{"59", "32"}, ancestors: []string{"32"},
			subtree: []string{"59", "59350", "59512", "qpv-moulins"}, children: []string{"59350", "59512"}},
		{name: "root", code: "32",
			chain: []string{"32"}, ancestors: nil,
			subtree:  []string{"32", "59", "62", "59350", "59512", "62193", "qpv-moulins"},
			children: []string{"59", "62"}},
		{name: "unknown code", code: "75056",
			chain: []string{"75056"}, ancestors: nil, subtree: nil},
		{name: "empty code", code: "",
			chain: []string{""}, ancestors: nil, subtree: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tree.Chain(tt.code); !slices.Equal(got, tt.chain) {
				t.Errorf("Chain(%q) = %q, want %q", tt.code, got, tt.chain)
			}
			if got := codes(tree.Ancestors(tt.code)); !slices.Equal(got, tt.ancestors) {
				t.Errorf("Ancestors(%q) = %q, want %q", tt.code, got, tt.ancestors)
			}
			if got := tree.Subtree(tt.code); !slices.Equal(got, tt.subtree) {
				t.Errorf("Subtree(%q) = %q, want %q", tt.code, got, tt.subtree)
			}
			if got := tree.Children(tt.code); !slices.Equal(got, tt.children) {
				t.Errorf("Children(%q) = %q, want %q", tt.code, got, tt.children)
			}
		})
	}
}

func TestTreeWithin(t *testing.T) {
	t.Parallel()
	tree := passerelle.NewTree(worldTerritories())
	tests := []struct {
		name        string
		code, scope string
		want        bool
	}{
		{name: "itself", code: "59", scope: "59", want: true},
		{name: "parent", code: "qpv-moulins", scope: "59350", want: true},
		{name: "grand-parent", code: "qpv-moulins", scope: "59", want: true},
		{name: "root", code: "qpv-moulins", scope: "32", want: true},
		{name: "descendant is not a scope of its ancestor", code: "59", scope: "qpv-moulins", want: false},
		{name: "sibling commune", code: "qpv-moulins", scope: "59512", want: false},
		{name: "other department", code: "qpv-moulins", scope: "62", want: false},
		{name: "cousin", code: "62193", scope: "59", want: false},
		{name: "unknown code", code: "75056", scope: "32", want: false},
		{name: "unknown scope", code: "59", scope: "75", want: false},
		{name: "empty scope", code: "59", scope: "", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tree.Within(tt.code, tt.scope); got != tt.want {
				t.Errorf("Within(%q, %q) = %v, want %v", tt.code, tt.scope, got, tt.want)
			}
		})
	}
}

func TestTreeRoots(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		territories []passerelle.Territory
		want        []string
	}{
		{name: "empty", territories: nil, want: nil},
		{name: "one root", territories: worldTerritories(), want: []string{"32"}},
		{
			// French order: accents and case do not move a name.
			name: "roots by French name",
			territories: []passerelle.Territory{
				{Code: "z", Name: "Zèbre"}, {Code: "e", Name: "Écully"}, {Code: "a", Name: "ardèche"},
				{Code: "f", Name: "Feurs"}, {Code: "e2", Name: "Eaubonne"},
			},
			want: []string{"a", "e2", "e", "f", "z"},
		},
		{
			name: "an unknown parent makes a root",
			territories: []passerelle.Territory{
				{Code: "orphan", Name: "Orphelin", ParentCode: "missing"}, {Code: "r", Name: "Racine"},
			},
			want: []string{"orphan", "r"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := passerelle.NewTree(tt.territories).Roots(); !slices.Equal(got, tt.want) {
				t.Errorf("Roots() = %q, want %q", got, tt.want)
			}
		})
	}
}

// cyclicTerritories holds a two-node cycle (a ↔ b) hanging off nothing, a
// self-parented node, and a sane root with a child.
func cyclicTerritories() []passerelle.Territory {
	return []passerelle.Territory{
		{Code: "a", Name: "A", ParentCode: "b"},
		{Code: "b", Name: "B", ParentCode: "a"},
		{Code: "self", Name: "Self", ParentCode: "self"},
		{Code: "c", Name: "C", ParentCode: "a"},
		{Code: "root", Name: "Root"},
		{Code: "leaf", Name: "Leaf", ParentCode: "root"},
	}
}

// TestTreeCycleSafeUpwards checks that the walks up the tree terminate on a
// corrupt (cyclic) territory table, the way the store could return it.
func TestTreeCycleSafeUpwards(t *testing.T) {
	t.Parallel()
	tree := passerelle.NewTree(cyclicTerritories())
	tests := []struct {
		name      string
		code      string
		chain     []string
		ancestors []string
	}{
		{name: "two-node cycle", code: "a", chain: []string{"a", "b"}, ancestors: []string{"b"}},
		{name: "below a cycle", code: "c", chain: []string{"c", "a", "b"}, ancestors: []string{"b", "a"}},
		{name: "self parent", code: "self", chain: []string{"self"}, ancestors: nil},
		{name: "sane part untouched", code: "leaf", chain: []string{"leaf", "root"}, ancestors: []string{"root"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tree.Chain(tt.code); !slices.Equal(got, tt.chain) {
				t.Errorf("Chain(%q) = %q, want %q", tt.code, got, tt.chain)
			}
			if got := codes(tree.Ancestors(tt.code)); !slices.Equal(got, tt.ancestors) {
				t.Errorf("Ancestors(%q) = %q, want %q", tt.code, got, tt.ancestors)
			}
			if tree.Within(tt.code, "nowhere") {
				t.Errorf("Within(%q, nowhere) = true", tt.code)
			}
		})
	}
	if roots := tree.Roots(); !slices.Contains(roots, "root") {
		t.Errorf("Roots() = %q, want it to hold the sane root", roots)
	}
}

// subtreeHelperEnv asks the test binary, re-executed by
// TestTreeCycleSafeSubtree, to walk down a cycle and exit.
const subtreeHelperEnv = "PASSERELLE_TEST_SUBTREE_CYCLE"

// TestTreeCycleSafeSubtree checks that Subtree terminates on a cycle. A walk
// that never ends would also eat memory without bound, so it runs in a child
// process that a watchdog stops.
func TestTreeCycleSafeSubtree(t *testing.T) {
	if code := os.Getenv(subtreeHelperEnv); code != "" {
		go func() {
			time.Sleep(time.Second)
			os.Exit(3) // still walking: the walk does not terminate
		}()
		got := passerelle.NewTree(cyclicTerritories()).Subtree(code)
		_, _ = os.Stdout.WriteString("SUBTREE " + strings.Join(got, ",") + "\n")
		os.Exit(0)
	}
	t.Parallel()
	tests := []struct {
		name string
		code string
		want string
	}{
		{name: "two-node cycle", code: "a", want: "a,b,c"},
		{name: "self parent", code: "self", want: "self"},
		{name: "sane part untouched", code: "root", want: "root,leaf"},
	}
	// One child at a time: a looping child holds hundreds of megabytes until
	// its watchdog fires.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestTreeCycleSafeSubtree$", "-test.count=1")
			// GORACE: under -race, a child sleeps a second at exit by default.
			cmd.Env = append(os.Environ(), subtreeHelperEnv+"="+tt.code, "GORACE=atexit_sleep_ms=0")
			out, err := cmd.Output()
			got, returned := "", false
			for _, line := range strings.Split(string(out), "\n") {
				if s, ok := strings.CutPrefix(line, "SUBTREE "); ok {
					got, returned = s, true
				}
			}
			if !returned {
				t.Fatalf("Subtree(%q) on a cyclic tree did not return (child: %v); it must remember what it visited", tt.code, err)
			}
			gotSet := strings.Split(got, ",")
			wantSet := strings.Split(tt.want, ",")
			slices.Sort(gotSet)
			slices.Sort(wantSet)
			if !slices.Equal(gotSet, wantSet) {
				t.Errorf("Subtree(%q) = %q, want each of %q exactly once", tt.code, got, tt.want)
			}
		})
	}
}

func TestTerritoryValidate(t *testing.T) {
	t.Parallel()
	ok := passerelle.Territory{Code: "qpv-moulins", Name: "Moulins", Level: passerelle.LevelQPV, ParentCode: "59350"}
	tests := []struct {
		name   string
		change func(*passerelle.Territory)
		want   map[string]string
	}{
		{name: "valid", change: func(*passerelle.Territory) {}},
		{name: "valid root", change: func(t *passerelle.Territory) { t.ParentCode = "" }},
		{name: "every level", change: func(t *passerelle.Territory) { t.Level = passerelle.LevelOther }},
		{name: "code of 64 characters", change: func(t *passerelle.Territory) { t.Code = strings.Repeat("a", 64) }},
		{name: "underscore and digits", change: func(t *passerelle.Territory) { t.Code = "2A_004" }},
		{name: "empty code", change: func(t *passerelle.Territory) { t.Code = "" },
			want: map[string]string{"code": passerelle.FieldInvalid}},
		{name: "code of 65 characters", change: func(t *passerelle.Territory) { t.Code = strings.Repeat("a", 65) },
			want: map[string]string{"code": passerelle.FieldInvalid}},
		{name: "code starting with a dash", change: func(t *passerelle.Territory) { t.Code = "-59" },
			want: map[string]string{"code": passerelle.FieldInvalid}},
		{name: "code with a space", change: func(t *passerelle.Territory) { t.Code = "59 350" },
			want: map[string]string{"code": passerelle.FieldInvalid}},
		{name: "code with a slash", change: func(t *passerelle.Territory) { t.Code = "59/350" },
			want: map[string]string{"code": passerelle.FieldInvalid}},
		{name: "code with an accent", change: func(t *passerelle.Territory) { t.Code = "écully" },
			want: map[string]string{"code": passerelle.FieldInvalid}},
		{name: "missing name", change: func(t *passerelle.Territory) { t.Name = "" },
			want: map[string]string{"name": passerelle.FieldRequired}},
		{name: "name too long", change: func(t *passerelle.Territory) { t.Name = strings.Repeat("a", 201) },
			want: map[string]string{"name": passerelle.FieldTooLong}},
		{name: "unknown level", change: func(t *passerelle.Territory) { t.Level = "canton" },
			want: map[string]string{"level": passerelle.FieldUnknown}},
		{name: "missing level", change: func(t *passerelle.Territory) { t.Level = "" },
			want: map[string]string{"level": passerelle.FieldUnknown}},
		{name: "its own parent", change: func(t *passerelle.Territory) { t.ParentCode = t.Code },
			want: map[string]string{"parent": passerelle.FieldInvalid}},
		{name: "everything wrong", change: func(t *passerelle.Territory) { *t = passerelle.Territory{Code: "a b", Level: "x"} },
			want: map[string]string{"code": passerelle.FieldInvalid, "name": passerelle.FieldRequired, "level": passerelle.FieldUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ter := ok
			tt.change(&ter)
			checkFields(t, ter.Validate(), tt.want)
		})
	}
}

// TestNamesCountCharacters checks that the 200-character limit on names counts
// characters, as every other limit of the domain does, not bytes: French
// names are full of two-byte letters.
func TestNamesCountCharacters(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 200) // 200 characters, 400 bytes
	tests := []struct {
		name     string
		validate func() error
	}{
		{name: "territory", validate: func() error {
			return (&passerelle.Territory{Code: "x", Name: long, Level: passerelle.LevelOther}).Validate()
		}},
		{name: "theme", validate: func() error { return (&passerelle.Theme{Slug: "x", Name: long}).Validate() }},
		{name: "user", validate: func() error {
			return passerelle.ValidateNewUser("a@example.org", long, "correct horse battery")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkFields(t, tt.validate(), nil)
		})
	}
}

func TestThemeValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		theme passerelle.Theme
		want  map[string]string
	}{
		{name: "valid", theme: passerelle.Theme{Slug: "emploi", Name: "Emploi"}},
		{name: "dashes and digits", theme: passerelle.Theme{Slug: "lutte-contre-les-discriminations-2", Name: "Lutte"}},
		{name: "64 characters", theme: passerelle.Theme{Slug: strings.Repeat("a", 64), Name: "A"}},
		{name: "65 characters", theme: passerelle.Theme{Slug: strings.Repeat("a", 65), Name: "A"},
			want: map[string]string{"slug": passerelle.FieldInvalid}},
		{name: "capitals", theme: passerelle.Theme{Slug: "Emploi", Name: "Emploi"},
			want: map[string]string{"slug": passerelle.FieldInvalid}},
		{name: "leading dash", theme: passerelle.Theme{Slug: "-emploi", Name: "Emploi"},
			want: map[string]string{"slug": passerelle.FieldInvalid}},
		{name: "trailing dash", theme: passerelle.Theme{Slug: "emploi-", Name: "Emploi"},
			want: map[string]string{"slug": passerelle.FieldInvalid}},
		{name: "double dash", theme: passerelle.Theme{Slug: "em--ploi", Name: "Emploi"},
			want: map[string]string{"slug": passerelle.FieldInvalid}},
		{name: "underscore", theme: passerelle.Theme{Slug: "em_ploi", Name: "Emploi"},
			want: map[string]string{"slug": passerelle.FieldInvalid}},
		{name: "accent", theme: passerelle.Theme{Slug: "éducation", Name: "Éducation"},
			want: map[string]string{"slug": passerelle.FieldInvalid}},
		{name: "empty", theme: passerelle.Theme{},
			want: map[string]string{"slug": passerelle.FieldInvalid, "name": passerelle.FieldRequired}},
		{name: "name too long", theme: passerelle.Theme{Slug: "a", Name: strings.Repeat("a", 201)},
			want: map[string]string{"name": passerelle.FieldTooLong}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkFields(t, tt.theme.Validate(), tt.want)
		})
	}
}

func TestLevelsAndCodes(t *testing.T) {
	t.Parallel()
	for _, l := range []passerelle.Level{"region", "department", "epci", "commune", "qpv", "other"} {
		if !l.Valid() {
			t.Errorf("level %q: Valid() = false", l)
		}
	}
	for _, l := range []passerelle.Level{"", "Region", "canton", "country"} {
		if l.Valid() {
			t.Errorf("level %q: Valid() = true", l)
		}
	}
}
