package oai

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Position is where a list of records stopped: the datestamp (at full
// precision) and key of the last record sent. Lists are ordered by
// (datestamp, key), so a new record — whose datestamp is later than any
// sent — lands after the position and a walk in progress neither skips nor
// repeats anything.
type Position struct {
	Datestamp time.Time
	Key       int64
}

// Token kinds.
const (
	tokenRecords = 'r' // ListIdentifiers and ListRecords
	tokenSets    = 's' // ListSets
)

// Token is the decoded content of a resumption token: the request it
// continues and where it stopped. It never expires.
type Token struct {
	Kind           byte
	MetadataPrefix string
	Set            string
	From, Until    *time.Time // as in Request
	After          Position   // records: the last one sent
	AfterSet       string     // sets: the spec of the last one sent
	Cursor         int        // how many items were sent before the next page
}

// tokenVersion lets a later format refuse (badResumptionToken) older tokens.
const tokenVersion = "1"

// checksumSize is the length of the checksum ending every token: a garbled
// or edited token is refused rather than obeyed.
const checksumSize = 6

var errToken = errors.New("oai: bad resumption token")

func timeField(t *time.Time) string {
	if t == nil {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

// Encode returns the token as an opaque URL- and XML-safe string.
func (t *Token) Encode() string {
	fields := []string{tokenVersion, string(t.Kind), t.MetadataPrefix, t.Set, timeField(t.From), timeField(t.Until)}
	if t.Kind == tokenSets {
		fields = append(fields, t.AfterSet, "")
	} else {
		fields = append(fields, strconv.FormatInt(t.After.Datestamp.UnixNano(), 10), strconv.FormatInt(t.After.Key, 10))
	}
	fields = append(fields, strconv.Itoa(t.Cursor))
	payload := []byte(strings.Join(fields, "|"))
	sum := sha256.Sum256(payload)
	return base64.RawURLEncoding.EncodeToString(append(payload, sum[:checksumSize]...))
}

func parseTimeField(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, err
	}
	t := time.Unix(0, n).UTC()
	return &t, nil
}

// DecodeToken reads a token made by Encode; anything else is an error.
func DecodeToken(s string) (*Token, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) <= checksumSize {
		return nil, errToken
	}
	payload, sum := raw[:len(raw)-checksumSize], raw[len(raw)-checksumSize:]
	if want := sha256.Sum256(payload); !bytes.Equal(sum, want[:checksumSize]) {
		return nil, errToken
	}
	f := strings.Split(string(payload), "|")
	if len(f) != 9 || f[0] != tokenVersion || len(f[1]) != 1 {
		return nil, errToken
	}
	t := &Token{Kind: f[1][0], MetadataPrefix: f[2], Set: f[3]}
	if t.From, err = parseTimeField(f[4]); err != nil {
		return nil, errToken
	}
	if t.Until, err = parseTimeField(f[5]); err != nil {
		return nil, errToken
	}
	if t.Cursor, err = strconv.Atoi(f[8]); err != nil || t.Cursor < 0 {
		return nil, errToken
	}
	switch t.Kind {
	case tokenSets:
		if f[6] != "" && !setSpecPattern.MatchString(f[6]) {
			return nil, errToken
		}
		t.AfterSet = f[6]
	case tokenRecords:
		if !prefixPattern.MatchString(t.MetadataPrefix) || (t.Set != "" && !setSpecPattern.MatchString(t.Set)) {
			return nil, errToken
		}
		n, err := strconv.ParseInt(f[6], 10, 64)
		if err != nil {
			return nil, errToken
		}
		key, err := strconv.ParseInt(f[7], 10, 64)
		if err != nil {
			return nil, errToken
		}
		t.After = Position{Datestamp: time.Unix(0, n).UTC(), Key: key}
	default:
		return nil, errToken
	}
	return t, nil
}
