package view

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Paris must be available in minimal containers
)

// DefaultLang is the language used when nothing better is known.
const DefaultLang = "fr"

// Location is the time zone dates are shown in.
var Location = mustLoad("Europe/Paris")

// now is replaced by tests.
var now = time.Now

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Catalog holds the messages of every language, loaded from flat JSON files
// ("<lang>.json": key → string). Plural forms are "key.one" / "key.other";
// placeholders are written "{name}". Keys that are asked for but missing are
// recorded (see Missing) and rendered as the key itself.
type Catalog struct {
	msgs        map[string]map[string]string
	translators map[string]*Translator

	mu      sync.Mutex
	missing map[string]struct{}
}

// LoadCatalog reads every "locales/*.json" file of fsys (or "*.json" at its
// root when there is no "locales" directory). A file is named after its
// language ("fr.json") or after an area and its language ("admin.fr.json"),
// so that each part of the product keeps its texts in its own files; the files
// of one language are merged. The default language, French, must be present.
// Duplicate keys (within or across files) and non-string values are errors.
func LoadCatalog(fsys fs.FS) (*Catalog, error) {
	dir := "."
	if fi, err := fs.Stat(fsys, "locales"); err == nil && fi.IsDir() {
		dir = "locales"
	}
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	c := &Catalog{
		msgs:        map[string]map[string]string{},
		translators: map[string]*Translator{},
		missing:     map[string]struct{}{},
	}
	for _, name := range files {
		base := strings.TrimSuffix(path.Base(name), ".json")
		lang := base[strings.LastIndex(base, ".")+1:]
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		m, err := decodeFlat(b)
		if err != nil {
			return nil, fmt.Errorf("view: locale %s: %w", name, err)
		}
		if c.msgs[lang] == nil {
			c.msgs[lang] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := c.msgs[lang][k]; dup {
				return nil, fmt.Errorf("view: locale %s: key %q is already defined in another %s file", name, k, lang)
			}
			c.msgs[lang][k] = v
		}
	}
	if _, ok := c.msgs[DefaultLang]; !ok {
		return nil, fmt.Errorf("view: no %s.json locale in %s", DefaultLang, dir)
	}
	for lang, m := range c.msgs {
		c.translators[lang] = &Translator{lang: lang, msgs: m, cat: c}
	}
	return c, nil
}

// decodeFlat decodes a flat JSON object of strings, rejecting duplicate keys.
func decodeFlat(b []byte) (map[string]string, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	m := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string)
		var v string
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("key %q: %w", key, err)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		m[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return m, nil
}

// Languages returns the loaded languages, sorted.
func (c *Catalog) Languages() []string {
	langs := make([]string, 0, len(c.msgs))
	for l := range c.msgs {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	return langs
}

// Keys returns the keys of one language, sorted (nil for an unknown language).
func (c *Catalog) Keys(lang string) []string {
	m, ok := c.msgs[lang]
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Translator returns the translator of lang, or of the default language when
// lang is not loaded.
func (c *Catalog) Translator(lang string) *Translator {
	if t, ok := c.translators[lang]; ok {
		return t
	}
	return c.translators[DefaultLang]
}

// Negotiate picks the language of a request: the cookie (or ?lang= value) when
// it names a loaded language, else the best loaded language of the
// Accept-Language header, else French.
func (c *Catalog) Negotiate(acceptLanguage, cookieLang string) string {
	if l := c.match(cookieLang); l != "" {
		return l
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(k, "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					f = 0
				}
				q = f
			}
		}
		if q <= 0 || q <= bestQ {
			continue
		}
		l := c.match(tag)
		if strings.TrimSpace(tag) == "*" {
			l = DefaultLang
		}
		if l != "" {
			best, bestQ = l, q
		}
	}
	if best != "" {
		return best
	}
	return DefaultLang
}

// match returns the loaded language of a BCP 47 tag ("en-GB" → "en"), or "".
func (c *Catalog) match(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	primary, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	if _, ok := c.msgs[primary]; ok && primary != "" {
		return primary
	}
	return ""
}

// Missing returns the "lang:key" pairs that were asked for since the catalog
// was loaded but do not exist, sorted. Tests use it to catch dynamic keys.
func (c *Catalog) Missing() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.missing))
	for k := range c.missing {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (c *Catalog) report(lang, key string) {
	c.mu.Lock()
	c.missing[lang+":"+key] = struct{}{}
	c.mu.Unlock()
}

// Translator translates and formats for one language. It is safe for
// concurrent use.
type Translator struct {
	lang string
	msgs map[string]string
	cat  *Catalog
}

// Lang returns the language code ("fr", "en").
func (t *Translator) Lang() string { return t.lang }

// Has reports whether key exists in this language.
func (t *Translator) Has(key string) bool {
	_, ok := t.msgs[key]
	return ok
}

// T returns the message of key with its {name} placeholders filled from args,
// given as name/value pairs: T("greeting", "name", "Awa"). Ints are formatted
// with Number and times with Date. A missing key renders as the key itself.
func (t *Translator) T(key string, args ...any) string {
	msg, ok := t.msgs[key]
	if !ok {
		t.cat.report(t.lang, key)
		return key
	}
	return t.fill(msg, args)
}

// N returns the plural form of key for n ("key.one" or "key.other") with {n}
// set to Number(n) and the other placeholders filled from args. In French 0
// and 1 are singular; in English only 1 is.
func (t *Translator) N(key string, n int, args ...any) string {
	form := key + ".other"
	if t.singular(n) {
		form = key + ".one"
	}
	msg, ok := t.msgs[form]
	if !ok {
		t.cat.report(t.lang, form)
		if msg, ok = t.msgs[key+".other"]; !ok {
			return key
		}
	}
	return t.fill(msg, append([]any{"n", n}, args...))
}

func (t *Translator) singular(n int) bool {
	switch t.lang {
	case "fr":
		return n == 0 || n == 1
	default:
		return n == 1
	}
}

func (t *Translator) fill(msg string, args []any) string {
	if len(args) < 2 || !strings.Contains(msg, "{") {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		pairs = append(pairs, "{"+name+"}", t.format(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

func (t *Translator) format(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return t.Number(v)
	case int64:
		return t.Number(int(v))
	case time.Time:
		return t.Date(v)
	case *time.Time:
		if v == nil {
			return ""
		}
		return t.Date(*v)
	case fmt.Stringer:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}

// Number formats n with the thousands separator of the language (a narrow
// no-break space in French: "12 345"; a comma in English: "12,345").
func (t *Translator) Number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := t.msgs["number.group"]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Decimal formats v with one decimal, the language's decimal mark and
// thousands separator: "1 234,5" in French, "1,234.5" in English.
func (t *Translator) Decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(whole)
	if err != nil { // beyond an int: left as it is
		return s
	}
	out := t.Number(n)
	if n == 0 && strings.HasPrefix(whole, "-") {
		out = "-" + out
	}
	return out + t.msgs["number.decimal"] + frac
}

// Date formats the day of t in Location: "28 novembre 2026", "1er mars 2026",
// "28 November 2026". The zero time gives "".
func (t *Translator) Date(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	d = d.In(Location)
	day := strconv.Itoa(d.Day())
	if d.Day() == 1 && t.Has("date.first_day") {
		day = t.msgs["date.first_day"]
	}
	return t.T("date.format",
		"day", day,
		"month", t.T("date.month."+strconv.Itoa(int(d.Month()))),
		"year", strconv.Itoa(d.Year()))
}

// DateTime formats t with its time of day in Location: "28 novembre 2026 à
// 14 h 05", "28 November 2026 at 14:05". The zero time gives "".
func (t *Translator) DateTime(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	d = d.In(Location)
	return t.T("date.datetime",
		"date", t.Date(d),
		"hour", strconv.Itoa(d.Hour()),
		"hour2", fmt.Sprintf("%02d", d.Hour()),
		"minute", fmt.Sprintf("%02d", d.Minute()))
}

// Since says how long ago t was: "il y a 3 jours", "3 days ago", "à
// l'instant". Months count 30 days and years 365. Future times count as now.
func (t *Translator) Since(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	el := now().Sub(d)
	switch {
	case el < time.Minute:
		return t.T("since.now")
	case el < time.Hour:
		return t.N("since.minutes", int(el/time.Minute))
	case el < 24*time.Hour:
		return t.N("since.hours", int(el/time.Hour))
	case el < 30*24*time.Hour:
		return t.N("since.days", int(el/(24*time.Hour)))
	case el < 365*24*time.Hour:
		return t.N("since.months", int(el/(30*24*time.Hour)))
	default:
		return t.N("since.years", int(el/(365*24*time.Hour)))
	}
}

// Enum translates the value v of an enumeration ("status", "draft" → key
// "status.draft"); an unknown value is returned as is (and reported).
func (t *Translator) Enum(prefix, v string, args ...any) string {
	if v == "" {
		return ""
	}
	key := prefix + "." + v
	if !t.Has(key) {
		t.cat.report(t.lang, key)
		return v
	}
	return t.T(key, args...)
}
