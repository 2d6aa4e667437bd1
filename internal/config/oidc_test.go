package config

import (
	"slices"
	"strings"
	"testing"
)

func TestOIDCSettings(t *testing.T) {
	c, err := parseArgs()
	if err != nil || c.OIDCIssuer != "" || c.OIDCTrustEmail {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	full := []string{"--oidc-issuer", "https://fca.integ01.dev-agentconnect.fr/api/v2", "--oidc-client-id", "id", "--oidc-client-secret", "s"}
	c, err = parseArgs(full...)
	if err != nil || !slices.Equal(c.OIDCScopes, []string{"openid", "email"}) || c.OIDCLabel != "fca.integ01.dev-agentconnect.fr" {
		t.Fatalf("issuer: %+v, %v", c, err)
	}
	c, err = parseArgs(append(full, "--oidc-scopes", "email given_name usual_name uid siret", "--oidc-label", "ProConnect",
		"--oidc-acr-values", " eidas1 ", "--oidc-trust-unverified-email", "true")...)
	if err != nil || !slices.Equal(c.OIDCScopes, []string{"openid", "email", "given_name", "usual_name", "uid", "siret"}) ||
		c.OIDCLabel != "ProConnect" || c.OIDCACRValues != "eidas1" || !c.OIDCTrustEmail {
		t.Fatalf("ProConnect: %+v, %v", c, err)
	}
	if _, err := parseArgs("--oidc-issuer", "http://localhost:9998", "--oidc-client-id", "id", "--oidc-client-secret", "s"); err != nil {
		t.Fatalf("http on localhost: %v", err)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"client without issuer", []string{"--oidc-client-id", "id"}, "--oidc-issuer"},
		{"no client id", []string{"--oidc-issuer", "https://idp.example.org"}, "--oidc-client-id"},
		{"no secret", []string{"--oidc-issuer", "https://idp.example.org", "--oidc-client-id", "id"}, "--oidc-client-secret"},
		{"not a URL", append(slices.Clone(full[2:]), "--oidc-issuer", "idp.example.org"), "--oidc-issuer"},
		{"http elsewhere", append(slices.Clone(full[2:]), "--oidc-issuer", "http://idp.example.org"), "https"},
		{"bad scope", append(slices.Clone(full), "--oidc-scopes", `openid "email"`), "--oidc-scopes"},
		{"bad trust", append(slices.Clone(full), "--oidc-trust-unverified-email", "maybe"), "--oidc-trust-unverified-email"},
	} {
		if _, err := parseArgs(tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one naming %s", tt.name, err, tt.want)
		}
	}
}
