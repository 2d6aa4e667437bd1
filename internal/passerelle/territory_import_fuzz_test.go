package passerelle

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseTerritoryCSV: any file an administrator sends is read — never a
// panic — into rows or one validation_failed naming the file's fault, and
// planning the rows against a tree either works or says why.
func FuzzParseTerritoryCSV(f *testing.F) {
	for _, seed := range []string{
		"code,name,level,parent\n32,Hauts-de-France,region,\n59,Nord,department,32\n",
		"\xef\xbb\xbfcode;name;level;parent\n59350;Lille;commune;59\n", "code,name,level\n", "", "\n\n",
		"code,name,level,parent\n\"59,Nord,department,32\n", "code,name,level,parent\n59,No\x00rd,department,32\n",
		"code,name,level,parent\n59,Nord,galaxy,32\n", "code,name,level,parent\n59,Nord,department,59\n", "\xff\xfe",
		"code,name,level,parent\n59,Nord,department,32\n59,Nord bis,department,32\n", "CODE , Name,LEVEL,parent,extra\n1,a,other,,x\n",
	} {
		f.Add([]byte(seed))
	}
	existing := []Territory{{Code: "32", Name: "Hauts-de-France", Level: LevelRegion}, {Code: "59", Name: "Nord", Level: LevelDepartment, ParentCode: "32"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseTerritoryCSV(bytes.NewReader(data))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != EValidation || len(e.Fields) == 0 {
				t.Fatalf("ParseTerritoryCSV(%q): %v", data, err)
			}
			return
		}
		for _, r := range rows {
			if !CleanLine(r.Territory.Code) || !CleanLine(r.Territory.Name) {
				t.Fatalf("ParseTerritoryCSV(%q) accepted %+v", data, r)
			}
		}
		if _, err := PlanImport(existing, rows); err != nil {
			var e *Error
			if !errors.As(err, &e) || (e.Code != EValidation && e.Code != EConflict) {
				t.Fatalf("PlanImport of %q: %v", data, err)
			}
		}
	})
}
