package store_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// schema is what the two migration trees must agree on, read back from a
// migrated database: tables, their columns (name, nullability, a type class),
// the indexes made with CREATE INDEX (name, columns, uniqueness), the unique
// constraints (including primary keys) and the foreign keys.
type schema struct {
	columns map[string]map[string]string // table → column → "class null|not null"
	indexes map[string]string            // name → "table(cols) unique?"
	uniques map[string]bool              // "table(cols)" of primary keys and unique constraints
	fks     map[string]bool              // "table(cols) → table(cols) on delete X"
}

// acceptedDifferences are the lines of the schema that may be on one side
// only, each with its reason. Keep it short: anything else is a drift, to be
// fixed with a new migration in both trees.
var acceptedDifferences = []struct{ pattern, reason string }{
	{`^(column|index) river_`, "River's own tables come from River's migrations, one per driver (JSON, arrays and an enum on PostgreSQL, blobs and text on SQLite); River tests them"},
	{`^(table|column|index|unique|fk) (practice|meeting)_search`, "full-text search: an FTS5 virtual table (and its shadow tables) on SQLite, a table with a tsvector column and its GIN index on PostgreSQL (store/search.go)"},
}

func TestMigrationsDescribeOneSchema(t *testing.T) {
	if os.Getenv(testenv.PostgresURLVar) == "" {
		t.Skipf("%s is not set: the comparison needs both databases", testenv.PostgresURLVar)
	}
	ctx := context.Background()
	lite, _ := testenv.OpenDB(t, store.SQLite)
	pg, _ := testenv.OpenDB(t, store.Postgres)
	a, err := readSQLite(ctx, lite.Bun)
	if err != nil {
		t.Fatal(err)
	}
	b, err := readPostgres(ctx, pg.Bun)
	if err != nil {
		t.Fatal(err)
	}
	la, lb := a.lines(), b.lines()
	if len(la) < 100 {
		t.Fatalf("read too little of the SQLite schema: %d lines", len(la))
	}
	for _, l := range la {
		if !slices.Contains(lb, l) && !accepted(l) {
			t.Errorf("only on SQLite:     %s", l)
		}
	}
	for _, l := range lb {
		if !slices.Contains(la, l) && !accepted(l) {
			t.Errorf("only on PostgreSQL: %s", l)
		}
	}
	// An accepted difference that no longer happens is stale: drop it.
	for _, d := range acceptedDifferences {
		re := regexp.MustCompile(d.pattern)
		used := false
		for _, l := range append(slices.Clone(la), lb...) {
			if re.MatchString(l) && (!slices.Contains(la, l) || !slices.Contains(lb, l)) {
				used = true
				break
			}
		}
		if !used {
			t.Errorf("accepted difference %q (%s) no longer occurs: remove it", d.pattern, d.reason)
		}
	}
}

func accepted(line string) bool {
	return slices.ContainsFunc(acceptedDifferences, func(d struct{ pattern, reason string }) bool {
		return regexp.MustCompile(d.pattern).MatchString(line)
	})
}

func (s *schema) lines() []string {
	var out []string
	for table, cols := range s.columns {
		out = append(out, "table "+table)
		for c, def := range cols {
			out = append(out, "column "+table+"."+c+" "+def)
		}
	}
	for name, def := range s.indexes {
		out = append(out, "index "+name+" "+def)
	}
	for u := range s.uniques {
		out = append(out, "unique "+u)
	}
	for fk := range s.fks {
		out = append(out, "fk "+fk)
	}
	sort.Strings(out)
	return out
}

// typeClass folds the declared types of both dialects into a few classes.
func typeClass(declared string) string {
	t := strings.ToLower(strings.TrimSpace(declared))
	switch {
	case strings.Contains(t, "int") || t == "serial" || t == "bigserial":
		return "integer"
	case strings.Contains(t, "char") || strings.Contains(t, "text") || strings.Contains(t, "clob"):
		return "text"
	case strings.HasPrefix(t, "bool"):
		return "boolean"
	case strings.Contains(t, "timestamp") || strings.Contains(t, "datetime"):
		return "timestamp"
	case t == "date":
		return "date"
	case strings.Contains(t, "blob") || t == "bytea":
		return "bytes"
	case strings.Contains(t, "real") || strings.Contains(t, "double") || strings.Contains(t, "float") || strings.Contains(t, "numeric"):
		return "float"
	case strings.HasPrefix(t, "json"):
		return "json"
	case t == "tsvector":
		return "tsvector"
	case t == "":
		return "none"
	default:
		return "other:" + t
	}
}

func nullText(notNull bool) string {
	if notNull {
		return "not null"
	}
	return "null"
}

func cols(names []string) string { return "(" + strings.Join(names, ",") + ")" }

func readSQLite(ctx context.Context, db bun.IDB) (*schema, error) {
	s := &schema{columns: map[string]map[string]string{}, indexes: map[string]string{}, uniques: map[string]bool{}, fks: map[string]bool{}}
	var tables []string
	if err := db.NewRaw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").Scan(ctx, &tables); err != nil {
		return nil, err
	}
	for _, table := range tables {
		var info []struct {
			Cid     int
			Name    string
			Type    string
			Notnull bool
			Dflt    *string `bun:"dflt_value"`
			Pk      int
		}
		if err := db.NewRaw("SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", table).Scan(ctx, &info); err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		s.columns[table] = map[string]string{}
		var pk []string
		sort.Slice(info, func(i, j int) bool { return info[i].Pk < info[j].Pk })
		for _, c := range info {
			if c.Pk > 0 {
				pk = append(pk, c.Name)
			}
			s.columns[table][c.Name] = typeClass(c.Type) + " " + nullText(c.Notnull || c.Pk > 0)
		}
		if len(pk) > 0 {
			s.uniques[table+cols(pk)] = true
		}
		var idx []struct {
			Name    string
			Unique  bool
			Origin  string
			Partial bool
		}
		if err := db.NewRaw("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", table).Scan(ctx, &idx); err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		for _, ix := range idx {
			var icols []struct {
				Seqno int
				Name  *string
			}
			if err := db.NewRaw("SELECT seqno, name FROM pragma_index_info(?) ORDER BY seqno", ix.Name).Scan(ctx, &icols); err != nil {
				return nil, fmt.Errorf("%s: %w", ix.Name, err)
			}
			var names []string
			for _, c := range icols {
				if c.Name == nil {
					names = append(names, "<expr>")
				} else {
					names = append(names, *c.Name)
				}
			}
			switch ix.Origin {
			case "c":
				s.indexes[ix.Name] = indexDef(table, names, ix.Unique, ix.Partial)
			case "u":
				s.uniques[table+cols(names)] = true
			}
		}
		var fks []struct {
			ID       int
			Seq      int
			Table    string
			From     string
			To       *string
			OnDelete string `bun:"on_delete"`
		}
		if err := db.NewRaw("SELECT id, seq, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", table).Scan(ctx, &fks); err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		byID := map[int][3][]string{}
		for _, fk := range fks {
			e := byID[fk.ID]
			e[0] = append(e[0], fk.From)
			to := ""
			if fk.To != nil {
				to = *fk.To
			}
			e[1] = append(e[1], to)
			e[2] = []string{fk.Table, strings.ToLower(fk.OnDelete)}
			byID[fk.ID] = e
		}
		for _, e := range byID {
			to := e[1]
			if slices.Contains(to, "") { // REFERENCES t without columns: its primary key
				to = sqlitePK(ctx, db, e[2][0])
			}
			s.fks[table+cols(e[0])+" → "+e[2][0]+cols(to)+" on delete "+e[2][1]] = true
		}
	}
	return s, nil
}

func sqlitePK(ctx context.Context, db bun.IDB, table string) []string {
	var names []string
	_ = db.NewRaw("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", table).Scan(ctx, &names)
	return names
}

func indexDef(table string, names []string, unique, partial bool) string {
	def := table + cols(names)
	if unique {
		def += " unique"
	}
	if partial {
		def += " partial"
	}
	return def
}

func readPostgres(ctx context.Context, db bun.IDB) (*schema, error) {
	s := &schema{columns: map[string]map[string]string{}, indexes: map[string]string{}, uniques: map[string]bool{}, fks: map[string]bool{}}
	var columns []struct {
		Table, Column, Type string
		Nullable            string
	}
	if err := db.NewRaw(`SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "type", c.is_nullable AS nullable
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema()`).Scan(ctx, &columns); err != nil {
		return nil, err
	}
	for _, c := range columns {
		if s.columns[c.Table] == nil {
			s.columns[c.Table] = map[string]string{}
		}
		s.columns[c.Table][c.Column] = typeClass(c.Type) + " " + nullText(c.Nullable == "NO")
	}
	var idx []struct {
		Name, Table string
		Unique      bool
		Partial     bool
		Constraint  bool
		Columns     string
	}
	if err := db.NewRaw(`SELECT i.relname AS name, t.relname AS "table", x.indisunique AS "unique", x.indpred IS NOT NULL AS partial,
		  EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u')) AS "constraint",
		  (SELECT string_agg(COALESCE(a.attname, '<expr>'), ',' ORDER BY k.n)
		     FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
		     LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0) AS columns
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		JOIN pg_namespace ns ON ns.oid = t.relnamespace WHERE ns.nspname = current_schema()`).Scan(ctx, &idx); err != nil {
		return nil, err
	}
	for _, ix := range idx {
		names := strings.Split(ix.Columns, ",")
		if ix.Constraint {
			s.uniques[ix.Table+cols(names)] = true
		} else {
			s.indexes[ix.Name] = indexDef(ix.Table, names, ix.Unique, ix.Partial)
		}
	}
	var fks []struct {
		Table, Cols, Ref, RefCols, OnDelete string
	}
	if err := db.NewRaw(`SELECT t.relname AS "table", r.relname AS ref,
		  (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
		     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS cols,
		  (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n)
		     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS ref_cols,
		  CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
		    WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END AS on_delete
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
		JOIN pg_namespace ns ON ns.oid = t.relnamespace
		WHERE c.contype = 'f' AND ns.nspname = current_schema()`).Scan(ctx, &fks); err != nil {
		return nil, err
	}
	for _, fk := range fks {
		s.fks[fk.Table+"("+fk.Cols+") → "+fk.Ref+"("+fk.RefCols+") on delete "+fk.OnDelete] = true
	}
	return s, nil
}
