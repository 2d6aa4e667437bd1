package passerelle_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
)

func TestParseTerritoryCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string
		codes  []string // parsed, in order
		line   int      // of the error
		reason string   // "" for success
	}{
		{name: "commas", file: "code,name,level,parent_code\n32,Hauts-de-France,region,\n59,Nord,department,32\n",
			codes: []string{"32", "59"}},
		{name: "semicolons, BOM, CRLF, columns in another order, extra column, blank lines",
			file:  "\ufeffname;code;parent_code;level;population\r\nHauts-de-France;32;;region;6000000\r\n\r\nNord;59;32;Department;2600000\r\n;;;;\r\n",
			codes: []string{"32", "59"}},
		{name: "quoted names", file: "code,name,level,parent_code\n59350,\"Lille, capitale des Flandres\",commune,59\n",
			codes: []string{"59350"}},
		{name: "no header", file: "", reason: passerelle.ImportEmpty},
		{name: "header only", file: "code,name,level,parent_code\n", reason: passerelle.ImportEmpty},
		{name: "missing column", file: "code,name,parent_code\n32,Hauts-de-France,\n", line: 1, reason: passerelle.ImportNoColumn},
		{name: "bad code", file: "code,name,level,parent_code\n32,Hauts-de-France,region,\n5 9,Nord,department,32\n", line: 3, reason: passerelle.ImportBadCode},
		{name: "duplicate", file: "code,name,level,parent_code\n32,A,region,\n59,Nord,department,32\n32,B,region,\n", line: 4, reason: passerelle.ImportDuplicate},
		{name: "no name", file: "code,name,level,parent_code\n32,,region,\n", line: 2, reason: passerelle.ImportNoName},
		{name: "unknown level", file: "code,name,level,parent_code\n32,Hauts-de-France,region,\n59350,Lille,ville,59\n", line: 3, reason: passerelle.ImportBadLevel},
		{name: "own parent", file: "code,name,level,parent_code\n32,Hauts-de-France,region,32\n", line: 2, reason: passerelle.ImportSelfParent},
		{name: "broken quotes", file: "code,name,level,parent_code\n32,\"Hauts,region,\n", line: 2, reason: passerelle.ImportUnreadable},
		{name: "not UTF-8", file: "code,name,level,parent_code\n62,Pas-de-Calais,department,\xe9\n", reason: passerelle.ImportUnreadable},
		{name: "NUL in a name", file: "code,name,level,parent_code\n32,Hauts-de-France,region,\n59,No\x00rd,department,32\n", line: 3, reason: passerelle.ImportCharacters},
		{name: "control in another column", file: "code,name,level,parent_code,note\n32,Hauts-de-France,region,,a\x1bb\n", line: 2, reason: passerelle.ImportCharacters},
		{name: "line break in a name", file: "code,name,level,parent_code\n32,\"Hauts-\nde-France\",region,\n", line: 2, reason: passerelle.ImportCharacters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := passerelle.ParseTerritoryCSV(strings.NewReader(tt.file))
			if tt.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range rows {
					got = append(got, r.Territory.Code)
				}
				if strings.Join(got, " ") != strings.Join(tt.codes, " ") {
					t.Errorf("codes = %v, want %v", got, tt.codes)
				}
				return
			}
			var ie *passerelle.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an ImportError", err)
			}
			if ie.Reason != tt.reason || ie.Line != tt.line {
				t.Errorf("error = line %d %s, want line %d %s (%v)", ie.Line, ie.Reason, tt.line, tt.reason, err)
			}
			if passerelle.ErrorCode(err) != passerelle.EValidation || strings.Contains(err.Error(), "\n") {
				t.Errorf("code %s, message %q: want validation_failed on one line", passerelle.ErrorCode(err), err)
			}
			if tt.line > 0 && !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("message %q does not name the line", err)
			}
		})
	}
	// The lines of a semicolon file with quoted fields spanning lines are
	// the lines of the file.
	rows, err := passerelle.ParseTerritoryCSV(strings.NewReader("code;name;level;parent_code;note\n32;Hauts-de-France;region;;\"une note\nsur deux lignes\"\n59;Nord;department;32;\n"))
	if err != nil || len(rows) != 2 || rows[1].Line != 4 {
		t.Errorf("rows = %+v, err %v", rows, err)
	}
}

func TestPlanImport(t *testing.T) {
	t.Parallel()
	existing := []passerelle.Territory{
		{Code: "32", Name: "Hauts-de-France", Level: passerelle.LevelRegion},
		{Code: "59", Name: "Nord", Level: passerelle.LevelDepartment, ParentCode: "32"},
		{Code: "59350", Name: "Lille", Level: passerelle.LevelCommune, ParentCode: "59"},
	}
	parse := func(t *testing.T, body string) []passerelle.ImportRow {
		t.Helper()
		rows, err := passerelle.ParseTerritoryCSV(strings.NewReader("code,name,level,parent_code\n" + body))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	t.Run("children before parents are created parents first", func(t *testing.T) {
		plan, err := passerelle.PlanImport(existing, parse(t, "59512,Roubaix,commune,200093201\n200093201,MEL,epci,59\n59,Nord,department,32\n"))
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, c := range plan.Create {
			order = append(order, c.Code)
		}
		if strings.Join(order, " ") != "200093201 59512" || len(plan.Update) != 0 || plan.Unchanged != 1 {
			t.Errorf("plan: create %v, update %d, unchanged %d", order, len(plan.Update), plan.Unchanged)
		}
	})
	t.Run("names and parents are updated", func(t *testing.T) {
		plan, err := passerelle.PlanImport(existing, parse(t, "200093201,MEL,epci,59\n59350,Lille (ville),commune,200093201\n"))
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Create) != 1 || len(plan.Update) != 1 || plan.Update[0].After.ParentCode != "200093201" || plan.Update[0].Before.Name != "Lille" {
			t.Errorf("plan = %+v", plan)
		}
	})
	t.Run("the same file again changes nothing", func(t *testing.T) {
		plan, err := passerelle.PlanImport(existing, parse(t, "32,Hauts-de-France,region,\n59,Nord,department,32\n59350,Lille,commune,59\n"))
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Create)+len(plan.Update) != 0 || plan.Unchanged != 3 {
			t.Errorf("plan = %+v", plan)
		}
	})
	for _, tt := range []struct {
		name, body, reason string
		line               int
	}{
		{"unknown parent", "62,Pas-de-Calais,department,32\n62193,Calais,commune,99\n", passerelle.ImportUnknownParent, 3},
		{"a loop within the file", "A,A,other,B\nB,B,other,A\n", passerelle.ImportCycle, 2},
		{"a loop through the tree", "32,Hauts-de-France,region,59350\n", passerelle.ImportCycle, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := passerelle.PlanImport(existing, parse(t, tt.body))
			var ie *passerelle.ImportError
			if !errors.As(err, &ie) || ie.Reason != tt.reason || ie.Line != tt.line {
				t.Errorf("err = %v, want line %d %s", err, tt.line, tt.reason)
			}
		})
	}
}
