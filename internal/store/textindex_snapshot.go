package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
)

// A text index snapshot is the base of a text index saved in the database
// (table text_index_snapshot) with its catalogue version. A process builds
// its first large index from it: read in the background like a build, then
// caught up through catalogue_log when attached (attachText), as a base
// just built would be; a snapshot older than the log reaches is caught up
// no further, and the index is built again. The process that builds a base
// saves it. Restoring 100,000 practices reads 33 MB and decodes only the
// ids and lengths: the postings and the per-practice lists are used where
// they lie in the bytes read.

// textSnapshotFormat names the encoding of encodeTextBase; a snapshot of
// another format is ignored.
const textSnapshotFormat = 1

// encodeTextBase writes b: the number of practices, then their ids (as
// differences) and lengths, the total of stems, the number of stems, then
// each stem with its postings, then the per-practice lists with their
// offsets (as differences). Numbers are uvarints, byte strings their length
// then their bytes.
func encodeTextBase(b *textBase) []byte {
	out := make([]byte, 0, b.bytes+len(b.ids)*4+len(b.terms)*16+64)
	out = binary.AppendUvarint(out, uint64(len(b.ids)))
	var last int64
	for i, id := range b.ids {
		out = binary.AppendUvarint(out, uint64(id-last)) //nolint:gosec // G115: ids increase
		out = binary.AppendUvarint(out, uint64(b.lens[i]))
		last = id
	}
	out = binary.AppendUvarint(out, uint64(b.tokens)) //nolint:gosec // G115: a count
	stems := make([]string, len(b.terms))
	for s, t := range b.terms {
		stems[t] = s
	}
	out = binary.AppendUvarint(out, uint64(len(stems)))
	for t, s := range stems {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
		out = binary.AppendUvarint(out, uint64(len(b.postings[t])))
		out = append(out, b.postings[t]...)
	}
	out = binary.AppendUvarint(out, uint64(len(b.forward)))
	out = append(out, b.forward...)
	for i := 1; i < len(b.at); i++ {
		out = binary.AppendUvarint(out, uint64(b.at[i]-b.at[i-1]))
	}
	return out
}

var errSnapshot = errors.New("malformed text index snapshot")

// decodeTextBase reads what encodeTextBase wrote; the postings and lists
// stay in data.
func decodeTextBase(data []byte) (*textBase, error) {
	p := data
	num := func() (uint64, error) {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return 0, errSnapshot
		}
		p = p[n:]
		return v, nil
	}
	bytes := func() ([]byte, error) {
		n, err := num()
		if err != nil || n > uint64(len(p)) {
			return nil, errSnapshot
		}
		out := p[:n:n]
		p = p[n:]
		return out, nil
	}
	n, err := num()
	if err != nil || n > uint64(len(data)) {
		return nil, errSnapshot
	}
	b := &textBase{terms: map[string]int32{}, ids: make([]int64, n), lens: make([]uint32, n), at: make([]uint32, n+1)}
	var id int64
	for i := range b.ids {
		d, err1 := num()
		l, err2 := num()
		if err1 != nil || err2 != nil {
			return nil, errSnapshot
		}
		id += int64(d)                      //nolint:gosec // G115: written from int64
		b.ids[i], b.lens[i] = id, uint32(l) //nolint:gosec // G115: written from uint32
	}
	tokens, err := num()
	if err != nil {
		return nil, errSnapshot
	}
	b.tokens = int64(tokens) //nolint:gosec // G115: written from int64
	nterms, err := num()
	if err != nil || nterms > uint64(len(p)) {
		return nil, errSnapshot
	}
	b.postings = make([][]byte, nterms)
	for t := range b.postings {
		s, err1 := bytes()
		post, err2 := bytes()
		if err1 != nil || err2 != nil {
			return nil, errSnapshot
		}
		b.terms[string(s)] = int32(t) //nolint:gosec // G115: a vocabulary is far below 2³¹ stems
		b.postings[t] = post
		b.bytes += len(post)
	}
	if b.forward, err = bytes(); err != nil {
		return nil, errSnapshot
	}
	b.bytes += len(b.forward)
	for i := 1; i < len(b.at); i++ {
		d, err := num()
		if err != nil {
			return nil, errSnapshot
		}
		b.at[i] = b.at[i-1] + uint32(d) //nolint:gosec // G115: written from uint32
	}
	if len(p) != 0 || int(b.at[len(b.at)-1]) != len(b.forward) {
		return nil, errSnapshot
	}
	return b, nil
}

// readTextSnapshot returns the saved text index, if any of this format, at
// its version; nil when there is none usable.
func readTextSnapshot(ctx context.Context, tx bun.IDB) (*textIndex, error) {
	var version int64
	var data []byte
	err := tx.NewSelect().Table("text_index_snapshot").Column("version", "data").Where("id = 1").
		Where("format = ?", textSnapshotFormat).Scan(ctx, &version, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := decodeTextBase(data)
	if err != nil {
		return nil, nil //nolint:nilerr // a malformed snapshot is not used: the index is built
	}
	return newTextIndex(b, version), nil
}

// saveTextSnapshot saves the base of x (without changes) as the snapshot
// others start from, unless one as recent is saved already.
func saveTextSnapshot(ctx context.Context, db *DB, x *textIndex) error {
	if len(x.changed) > 0 {
		return nil
	}
	data := encodeTextBase(x.base)
	// Straight through database/sql: bun would write the bytes into the
	// statement's text.
	q := "INSERT INTO text_index_snapshot (id, version, format, data, written_at) VALUES (1, ?, ?, ?, ?)"
	if db.isPostgres() {
		q = "INSERT INTO text_index_snapshot (id, version, format, data, written_at) VALUES (1, $1, $2, $3, $4)"
	}
	q += " ON CONFLICT (id) DO UPDATE SET version = excluded.version, format = excluded.format, data = excluded.data," +
		" written_at = excluded.written_at WHERE text_index_snapshot.version < excluded.version OR text_index_snapshot.format <> excluded.format"
	if _, err := db.Bun.DB.ExecContext(ctx, q, x.version, textSnapshotFormat, data, Now()); err != nil {
		return fmt.Errorf("save the text index snapshot: %w", err)
	}
	return nil
}
