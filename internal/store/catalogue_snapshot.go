package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// A catalogue snapshot is a catalogue as some process held it, saved in the
// database (table catalogue_snapshot) with its version: a process's first
// catalogue starts from it and catches up on the practices logged since
// (refreshCatalogue), instead of reading every published practice — over a
// second at 100,000 on SQLite, most of the start of a server. The snapshot
// is read in the list's own read transaction, so what it then catches up on
// is exactly what that transaction sees: a practice withdrawn since the
// snapshot was saved is in catalogue_log, and leaves the catalogue; a
// snapshot older than the log reaches (or of an unknown format) is not
// used, and the catalogue is read in full, as before. Being in the database,
// a snapshot is restored with it, never newer than the data it describes.
//
// A server saves one after its first load, then keeps it within
// snapshotEvery versions of the database (KeepCatalogueSnapshot), so that
// the next start has little to catch up on. Any process may save one: the
// newest version wins.

// snapshotFormat names the encoding of encodeCatalogue. Change it whenever
// the encoding, or what the catalogue holds, changes: a snapshot of another
// format is ignored.
const snapshotFormat = 1

// snapshotEvery is how many versions the saved snapshot may lag behind the
// database before a server saves a new one; well under maxCatchUp, so that
// a start catches up rather than loads in full.
const snapshotEvery = 100

// encodeCatalogue writes c's version-independent content: its
// dictionaries, then its entries in list order, each field a varint
// (publication keys as the length shared with the previous key and the
// rest).
func encodeCatalogue(c *catalogue) []byte {
	b := make([]byte, 0, 64+len(c.entries)*24)
	for _, d := range c.snapshotDicts() {
		b = binary.AppendUvarint(b, uint64(len(d.values)))
		for _, v := range d.values {
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(c.entries)))
	var prevID int64
	prevKey := ""
	list := func(b []byte, vs []int32) []byte {
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			b = binary.AppendVarint(b, int64(v))
		}
		return b
	}
	for i := range c.entries {
		e := &c.entries[i]
		b = binary.AppendVarint(b, e.id-prevID)
		prevID = e.id
		shared := 0
		for shared < len(e.key) && shared < len(prevKey) && e.key[shared] == prevKey[shared] {
			shared++
		}
		b = binary.AppendUvarint(b, uint64(shared))
		b = binary.AppendUvarint(b, uint64(len(e.key[shared:])))
		b = append(b, e.key[shared:]...)
		prevKey = e.key
		b = binary.AppendVarint(b, int64(e.territory))
		b = binary.AppendVarint(b, int64(e.kind))
		b = binary.AppendVarint(b, int64(e.format))
		b = binary.AppendVarint(b, int64(e.year))
		b = binary.AppendVarint(b, int64(e.author))
		b = list(b, e.themes)
		b = list(b, e.audiences)
		b = list(b, e.partners)
	}
	return b
}

func (c *catalogue) snapshotDicts() []*dict {
	return []*dict{&c.territories, &c.kinds, &c.formats, &c.themes, &c.auds, &c.authors, &c.partners}
}

var errBadSnapshot = errors.New("malformed catalogue snapshot")

// snapshotReader reads what encodeCatalogue wrote; the first malformed
// value sets err and every later read returns zero.
type snapshotReader struct {
	b   []byte
	err error
}

func (r *snapshotReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errBadSnapshot
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapshotReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errBadSnapshot
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length, at most what is left to read (every counted item
// takes a byte at least).
func (r *snapshotReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.err = errBadSnapshot
		return 0
	}
	return int(n) //nolint:gosec // G115: bounded by the data's length
}

func (r *snapshotReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.err = errBadSnapshot
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// index reads a dictionary index below n (or -1 when none is allowed).
func (r *snapshotReader) index(n int, none bool) int32 {
	v := r.varint()
	if v >= int64(n) || v < 0 && !(none && v == -1) {
		r.err = errBadSnapshot
		return 0
	}
	return int32(v) //nolint:gosec // G115: checked above
}

// decodeCatalogue reads a catalogue at version from data; the catalogue is
// indexed and ready.
func decodeCatalogue(data []byte, version int64) (*catalogue, error) {
	r := &snapshotReader{b: data}
	c := &catalogue{version: version}
	for _, d := range c.snapshotDicts() {
		n := r.count()
		if n == 0 {
			continue
		}
		d.values = make([]string, n)
		d.index = make(map[string]int32, n)
		for i := range n {
			v := string(r.bytes(r.count()))
			d.values[i] = v
			d.index[v] = int32(i) //nolint:gosec // G115: bounded by the data's length
		}
	}
	n := r.count()
	// The lists of all entries share three arrays: three allocations
	// instead of one per entry and list.
	var themes, auds, partners []int32
	list := func(into *[]int32, n int) []int32 {
		k := r.count()
		if k == 0 {
			return nil
		}
		from := len(*into)
		for range k {
			*into = append(*into, r.index(n, false))
		}
		return (*into)[from:len(*into):len(*into)]
	}
	entries := make([]catalogueEntry, n)
	var prevID int64
	prevKey := ""
	var key strings.Builder
	for i := range entries {
		e := &entries[i]
		e.id = prevID + r.varint()
		prevID = e.id
		shared := r.uvarint()
		if shared > uint64(len(prevKey)) {
			r.err = errBadSnapshot
		}
		rest := r.bytes(r.count())
		if r.err != nil {
			return nil, r.err
		}
		key.Reset()
		key.WriteString(prevKey[:shared])
		key.Write(rest)
		e.key = key.String()
		prevKey = e.key
		e.territory = r.index(len(c.territories.values), true)
		e.kind = r.index(len(c.kinds.values), false)
		e.format = r.index(len(c.formats.values), true)
		e.year = int32(r.varint()) //nolint:gosec // G115: a year
		e.author = r.index(len(c.authors.values), false)
		e.themes = list(&themes, len(c.themes.values))
		e.audiences = list(&auds, len(c.auds.values))
		e.partners = list(&partners, len(c.partners.values))
	}
	if r.err == nil && len(r.b) > 0 {
		r.err = errBadSnapshot
	}
	if r.err != nil {
		return nil, r.err
	}
	c.entries = entries
	c.index()
	return c, nil
}

// readSnapshot returns the saved catalogue, if there is one of a format
// this process knows, no newer than version (the version tx sees); nil
// otherwise. Errors are the database's (a malformed snapshot is none: it is
// not used).
func readSnapshot(ctx context.Context, tx bun.IDB, version int64) (*catalogue, error) {
	var saved, format int64
	var data []byte
	err := tx.NewSelect().Table("catalogue_snapshot").Column("version", "format", "data").Where("id = 1").
		Where("format = ?", snapshotFormat).Where("version <= ?", version).Scan(ctx, &saved, &format, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := decodeCatalogue(data, saved)
	if err != nil {
		return nil, nil //nolint:nilerr // a malformed snapshot is not used: the catalogue is loaded in full
	}
	return c, nil
}

// SaveCatalogueSnapshot saves the catalogue this process holds as the
// snapshot others start from, unless a snapshot as recent is saved already.
// It saves nothing when no catalogue is loaded.
func SaveCatalogueSnapshot(ctx context.Context, db *DB) error {
	db.cat.mu.Lock()
	c := db.cat.cur
	db.cat.mu.Unlock()
	if c == nil {
		return nil
	}
	data := encodeCatalogue(c)
	// Straight through database/sql: bun would write the bytes into the
	// statement's text.
	q := "INSERT INTO catalogue_snapshot (id, version, format, data, written_at) VALUES (1, ?, ?, ?, ?)"
	if db.isPostgres() {
		q = "INSERT INTO catalogue_snapshot (id, version, format, data, written_at) VALUES (1, $1, $2, $3, $4)"
	}
	q += " ON CONFLICT (id) DO UPDATE SET version = excluded.version, format = excluded.format, data = excluded.data," +
		" written_at = excluded.written_at WHERE catalogue_snapshot.version < excluded.version OR catalogue_snapshot.format <> excluded.format"
	if _, err := db.Bun.DB.ExecContext(ctx, q, c.version, snapshotFormat, data, Now()); err != nil {
		return fmt.Errorf("save the catalogue snapshot: %w", err)
	}
	return nil
}

// KeepCatalogueSnapshot keeps the saved snapshot within snapshotEvery
// versions of the database, until ctx ends: once the catalogue loaded at
// start (LoadCatalogueInBackground) when it was not read from a recent
// snapshot, then every interval, catching the catalogue up first when the
// database has moved on. failed, when not nil, is told of errors (the next
// round tries again).
func KeepCatalogueSnapshot(ctx context.Context, db *DB, interval time.Duration, failed func(error)) {
	if loading := db.cat.pending(); loading != nil {
		select {
		case <-loading:
		case <-ctx.Done():
			return
		}
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := keepSnapshot(ctx, db); err != nil && ctx.Err() == nil && failed != nil {
			failed(err)
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

// SaveCatalogueSnapshotIfBehind saves the catalogue this process holds
// when the saved snapshot is snapshotEvery versions older or more (or
// missing), without catching up first: for a server that stops, so that the
// next start need not read the catalogue in full.
func SaveCatalogueSnapshotIfBehind(ctx context.Context, db *DB) error {
	db.cat.mu.Lock()
	c := db.cat.cur
	db.cat.mu.Unlock()
	if c == nil {
		return nil
	}
	saved, err := savedSnapshotVersion(ctx, db)
	if err != nil || (saved > 0 && c.version-saved < snapshotEvery) {
		return err
	}
	return SaveCatalogueSnapshot(ctx, db)
}

func savedSnapshotVersion(ctx context.Context, db *DB) (int64, error) {
	var saved int64
	err := db.Read.NewSelect().Table("catalogue_snapshot").Column("version").Where("id = 1").Where("format = ?", snapshotFormat).Scan(ctx, &saved)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return saved, err
}

func keepSnapshot(ctx context.Context, db *DB) error {
	// The versions of the database and of the saved snapshot (0 for none),
	// which any process may have saved.
	var version, saved int64
	err := db.Read.NewSelect().ColumnExpr("v.version").ColumnExpr("coalesce(s.version, 0)").TableExpr("catalogue_version AS v").
		Join("LEFT JOIN catalogue_snapshot AS s ON s.id = 1 AND s.format = ?", snapshotFormat).Where("v.id = 1").Scan(ctx, &version, &saved)
	if err != nil {
		return err
	}
	if saved > 0 && version-saved < snapshotEvery {
		return nil
	}
	if err := LoadCatalogue(ctx, db); err != nil {
		return err
	}
	return SaveCatalogueSnapshot(ctx, db)
}

// CatalogueSnapshotStart returns the version of the snapshot this
// process's catalogue started from, 0 when it was read in full (or not yet
// read).
func (db *DB) CatalogueSnapshotStart() int64 {
	db.cat.mu.Lock()
	defer db.cat.mu.Unlock()
	return db.cat.snapshot
}
