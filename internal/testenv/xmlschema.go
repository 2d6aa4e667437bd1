package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// XML schemas the tests validate documents against, under testdata/xsd:
// written for the tests from the published specifications (each file says
// which), since no Debian or npm package ships them.
const (
	// SchemaOAIDC: an OAI-PMH 2.0 response with oai_dc records.
	SchemaOAIDC = "oai_dc-responses.xsd"
	// SchemaOAIQDC: an OAI-PMH 2.0 response with qualified Dublin Core
	// (qdc) records.
	SchemaOAIQDC = "qdc-responses.xsd"
)

// schemaDir returns the folder of the schemas, beside this file.
func schemaDir(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testenv: cannot locate testdata")
	}
	return filepath.Join(filepath.Dir(file), "testdata", "xsd")
}

// ValidateXML checks doc against schema (one of the Schema constants) with
// xmllint, an XML Schema validator independent of the code that wrote the
// document, and fails the test with its report when doc is not valid. It
// never reaches the network: every schema is local. xmllint comes from
// Debian's libxml2-utils (make tools installs it); without it the test
// fails, since a validation that cannot run must not pass.
func ValidateXML(t testing.TB, schema string, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint is not installed (apt-get install libxml2-utils, or make tools): XML schema validation cannot run")
	}
	f, err := os.CreateTemp(t.TempDir(), "doc-*.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(doc); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join(schemaDir(t), schema), f.Name())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		report := strings.ReplaceAll(out.String(), f.Name(), "document")
		excerpt := doc
		if len(excerpt) > 4000 {
			excerpt = excerpt[:4000]
		}
		t.Errorf("not valid against %s: %v\n%s\n%s", schema, err, report, excerpt)
	}
}
