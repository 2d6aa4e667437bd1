package store

import (
	"reflect"
	"testing"
)

// TestSnapshotCoversTheCatalogue: a snapshot encodes every field of an
// entry and every dictionary of the catalogue. A field added to either
// must be encoded (encodeCatalogue, decodeCatalogue) and snapshotFormat
// bumped, or a process started from a snapshot would lack it.
func TestSnapshotCoversTheCatalogue(t *testing.T) {
	var names []string
	for f := range reflect.TypeFor[catalogueEntry]().Fields() {
		names = append(names, f.Name)
	}
	want := []string{"id", "key", "territory", "kind", "format", "year", "themes", "audiences", "author", "partners"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("catalogueEntry's fields are %q, the snapshot encodes %q: encode the new ones and bump snapshotFormat", names, want)
	}
	dicts := 0
	for f := range reflect.TypeFor[catalogue]().Fields() {
		if f.Type == reflect.TypeFor[dict]() {
			dicts++
		}
	}
	if n := len((&catalogue{}).snapshotDicts()); dicts != n {
		t.Errorf("the catalogue has %d dictionaries, the snapshot encodes %d: encode the new ones and bump snapshotFormat", dicts, n)
	}
}
