package testenv

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/paths"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/passerelle/passerelle/internal/web"
)

// The live answers of the suite against the OpenAPI document: CheckAPI
// wraps a server's handler; every answer on a documented route (the API,
// /healthz and the open-data routes) is validated, as the server sent it,
// with libopenapi-validator — its status must be documented for the
// operation, its content type documented for that status, its body valid
// against the schema (strict: no property the document does not declare)
// and its documented headers valid. Every mismatch fails the test, with
// the request that produced it.

// documentedPrefixes are the paths the OpenAPI document describes; the pages
// for people are not in it.
var documentedPrefixes = []string{"/api/", "/healthz", "/feeds/", "/export/", "/oai", "/sitemap"}

// Documented reports whether the OpenAPI document describes path.
func Documented(path string) bool {
	for _, p := range documentedPrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// strictIgnored are what strict validation does not look into: headers
// (security and caching headers are on every answer, documented once in
// the README) and the maps whose values have a schema but whose keys are
// free (strict mode takes every key for undeclared).
var strictIgnored = []string{"$.headers.*", "$.body.error.fields**", "$.body.items**details**"}

// maxChecked bounds the body kept for validation; larger answers (big
// exports) are checked for status and headers only.
const maxChecked = 4 << 20

type apiModel struct {
	model      *v3.Document
	full       validator.Validator // status, content type, body and headers
	statusOnly validator.Validator // status and headers (HEAD)
	lax        validator.Validator // not strict: for the OpenAPI document itself, free-form
}

var (
	apiModelOnce sync.Once
	apiModelV    *apiModel
	apiModelErr  error
)

func loadAPIModel() (*apiModel, error) {
	apiModelOnce.Do(func() {
		doc, err := libopenapi.NewDocument(web.OpenAPIDocument())
		if err != nil {
			apiModelErr = err
			return
		}
		m, err := doc.BuildV3Model()
		if err != nil {
			apiModelErr = fmt.Errorf("openapi.json: %w", err)
			return
		}
		full, errs := validator.NewValidator(doc, config.WithStrictMode(), config.WithStrictIgnorePaths(strictIgnored...), config.WithFormatAssertions())
		if len(errs) > 0 {
			apiModelErr = fmt.Errorf("openapi.json: %v", errs)
			return
		}
		statusOnly, errs := validator.NewValidator(doc, config.WithoutResponseBodyValidation())
		if len(errs) > 0 {
			apiModelErr = fmt.Errorf("openapi.json: %v", errs)
			return
		}
		lax, errs := validator.NewValidator(doc, config.WithFormatAssertions())
		if len(errs) > 0 {
			apiModelErr = fmt.Errorf("openapi.json: %v", errs)
			return
		}
		apiModelV = &apiModel{model: &m.Model, full: full, statusOnly: statusOnly, lax: lax}
		if ok, verrs := full.ValidateDocument(); !ok {
			var msgs []string
			for _, e := range verrs {
				msgs = append(msgs, e.Error())
			}
			apiModelErr = fmt.Errorf("openapi.json is not a valid OpenAPI document: %s", strings.Join(msgs, "; "))
		}
	})
	return apiModelV, apiModelErr
}

// APIChecker collects the mismatches of one test's servers.
type APIChecker struct {
	t       testing.TB
	model   *apiModel
	mu      sync.Mutex
	checked int
	errs    []string
}

// CheckAPI returns h wrapped so that every answer on a documented route is
// validated against the OpenAPI document; the mismatches fail t when it
// ends. Set PASSERELLE_TEST_OPENAPI=off to skip (never in CI).
func CheckAPI(t testing.TB, h http.Handler) http.Handler {
	t.Helper()
	c := NewAPIChecker(t)
	if c == nil {
		return h
	}
	return c.Wrap(h)
}

// NewAPIChecker prepares the validation of t's answers; nil when it is
// switched off.
func NewAPIChecker(t testing.TB) *APIChecker {
	t.Helper()
	if checkOff() {
		return nil
	}
	m, err := loadAPIModel()
	if err != nil {
		t.Fatal(err)
	}
	c := &APIChecker{t: t, model: m}
	t.Cleanup(c.report)
	return c
}

func checkOff() bool { return strings.EqualFold(os.Getenv("PASSERELLE_TEST_OPENAPI"), "off") }

// Checked returns how many answers were validated so far.
func (c *APIChecker) Checked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checked
}

func (c *APIChecker) report() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.errs {
		c.t.Errorf("answer does not match internal/web/openapi.json: %s", e)
	}
}

// Wrap returns h with every documented answer recorded and validated.
func (c *APIChecker) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !Documented(r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		c.check(r, rec)
	})
}

// check validates one answer.
func (c *APIChecker) check(r *http.Request, rec *recorder) {
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	body, err := decoded(rec)
	if err != nil {
		c.record(r, rec, status, &http.Response{StatusCode: status, Header: rec.Header()}, []string{err.Error()})
		return
	}
	res := &http.Response{StatusCode: status, Header: rec.Header().Clone(), Body: io.NopCloser(bytes.NewReader(body)),
		Request: r}
	req := r.Clone(r.Context())
	req.Body = http.NoBody
	v := c.model.full
	var extra []string
	if r.Method == http.MethodHead {
		req.Method = http.MethodGet // HEAD is GET without the body
	}
	if msgs, done := c.undocumented(req, res); done {
		c.record(r, rec, status, res, msgs)
		return
	}
	switch {
	case r.Method == http.MethodHead:
		// The status and headers of the GET operation, and a content
		// type it documents.
		v = c.model.statusOnly
		extra = c.contentType(req, res)
	case rec.truncated:
		v = c.model.statusOnly
		extra = c.contentType(req, res)
	case status == http.StatusNotModified:
		v = c.model.statusOnly
	case r.URL.Path == "/api/v1/openapi.json":
		v = c.model.lax
	}
	_, errs := v.ValidateHttpResponse(req, res)
	msgs := slices.Clone(extra)
	for _, e := range errs {
		msg := e.Message
		if e.Reason != "" && e.Reason != e.Message {
			msg += ": " + e.Reason
		}
		for _, se := range e.SchemaValidationErrors {
			msg += fmt.Sprintf(" [%s: %s]", se.FieldPath, se.Reason)
		}
		msgs = append(msgs, msg)
	}
	c.record(r, rec, status, res, msgs)
}

// record notes one checked answer and its mismatches.
func (c *APIChecker) record(r *http.Request, rec *recorder, status int, res *http.Response, msgs []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checked++
	for _, m := range msgs {
		body := rec.body.String()
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		c.errs = append(c.errs, fmt.Sprintf("%s %s → %d %s: %s\n\tbody: %s", r.Method, r.URL.RequestURI(), status,
			res.Header.Get("Content-Type"), m, body))
	}
}

// contentType checks that the answer's content type is documented for its
// status (for answers whose body is not validated).
func (c *APIChecker) contentType(req *http.Request, res *http.Response) []string {
	item, errs, _ := paths.FindPath(req, c.model.model, nil)
	if item == nil || len(errs) > 0 {
		return nil // reported by the validator
	}
	op := helpers.ExtractOperation(req, item)
	if op == nil || op.Responses == nil {
		return nil
	}
	resp := op.Responses.Codes.GetOrZero(fmt.Sprint(res.StatusCode))
	if resp == nil {
		resp = op.Responses.Default
	}
	if resp == nil || resp.Content == nil || resp.Content.Len() == 0 {
		return nil
	}
	if _, ok := helpers.FindMediaType(resp.Content, res.Header.Get("Content-Type")); !ok {
		return []string{fmt.Sprintf("content type %q is not documented for %d", res.Header.Get("Content-Type"), res.StatusCode)}
	}
	return nil
}

// recorder passes the answer through and keeps a copy of it.
type recorder struct {
	http.ResponseWriter
	status    int
	body      bytes.Buffer
	truncated bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if !r.truncated {
		if r.body.Len()+len(p) > maxChecked {
			r.truncated = true
			r.body.Reset()
		} else {
			r.body.Write(p)
		}
	}
	return r.ResponseWriter.Write(p)
}

// Flush lets streamed answers (exports) flush through the recorder.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the real writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// undocumented checks the answers to what the document does not describe,
// which it cannot describe: a method that is no operation of a documented
// path must answer 405 with Allow listing the documented operations (and
// HEAD with GET); a path under a documented prefix that the document does
// not have must answer 404. done is false for a documented operation.
func (c *APIChecker) undocumented(req *http.Request, res *http.Response) (msgs []string, done bool) {
	item, _, _ := paths.FindPath(req, c.model.model, nil)
	if item == nil {
		probe := req.Clone(req.Context())
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete, http.MethodPut} {
			probe.Method = m
			if item, _, _ = paths.FindPath(probe, c.model.model, nil); item != nil {
				break
			}
		}
	}
	if item == nil {
		if res.StatusCode != http.StatusNotFound {
			return []string{fmt.Sprintf("path not in the document answers %d, want 404", res.StatusCode)}, true
		}
		return nil, true
	}
	if helpers.ExtractOperation(req, item) != nil {
		return nil, false
	}
	var ops []string
	for m, op := range map[string]*v3.Operation{http.MethodGet: item.Get, http.MethodHead: item.Head, http.MethodPost: item.Post,
		http.MethodPut: item.Put, http.MethodPatch: item.Patch, http.MethodDelete: item.Delete, http.MethodOptions: item.Options} {
		if op != nil || (m == http.MethodHead && item.Get != nil) {
			ops = append(ops, m)
		}
	}
	var allow []string
	for _, m := range strings.Split(res.Header.Get("Allow"), ",") {
		if m = strings.TrimSpace(m); m != "" {
			allow = append(allow, m)
		}
	}
	slices.Sort(ops)
	slices.Sort(allow)
	switch {
	case res.StatusCode != http.StatusMethodNotAllowed:
		return []string{fmt.Sprintf("%s is not an operation of this path, yet it answers %d (want 405)", req.Method, res.StatusCode)}, true
	case !slices.Equal(ops, allow):
		return []string{fmt.Sprintf("405 with Allow %v, the document's operations are %v", allow, ops)}, true
	}
	return nil, true
}

// decoded returns the recorded body as the client reads it: without the
// compression (httpcache.Compress) it was sent with.
func decoded(rec *recorder) ([]byte, error) {
	raw := rec.body.Bytes()
	if rec.truncated || len(raw) == 0 {
		return raw, nil
	}
	var rd io.Reader
	switch enc := rec.Header().Get("Content-Encoding"); enc {
	case "", "identity":
		return raw, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		rd = zr
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("zstd body: %w", err)
		}
		defer zr.Close()
		rd = zr
	default:
		return nil, fmt.Errorf("unknown Content-Encoding %q", enc)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("%s body: %w", rec.Header().Get("Content-Encoding"), err)
	}
	return b, nil
}
