package oidc

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestClaims(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		verified bool
		person   string
	}{
		{"verified", `{"email_verified":true,"name":"Agnès Agent"}`, true, "Agnès Agent"},
		{"as a string", `{"email_verified":"true","given_name":"Agnès","family_name":"Agent"}`, true, "Agnès Agent"},
		{"false", `{"email_verified":false}`, false, ""},
		{"missing (ProConnect)", `{"given_name":"Agnès","usual_name":"Agent"}`, false, "Agnès Agent"},
		{"usual name wins over family name", `{"given_name":"Agnès","usual_name":"Agent","family_name":"Naissance"}`, false, "Agnès Agent"},
		{"nonsense", `{"email_verified":"yes please"}`, false, ""},
	}
	for _, tt := range tests {
		var c claims
		if err := json.Unmarshal([]byte(tt.raw), &c); err != nil {
			t.Fatal(err)
		}
		if c.verified() != tt.verified || c.name() != tt.person {
			t.Errorf("%s: verified %v name %q, want %v %q", tt.name, c.verified(), c.name(), tt.verified, tt.person)
		}
	}
}

func TestNewAlwaysAsksForOpenID(t *testing.T) {
	if c := New(Config{Scopes: []string{"email"}}); !slices.Equal(c.cfg.Scopes, []string{"openid", "email"}) {
		t.Errorf("scopes %v", c.cfg.Scopes)
	}
	if c := New(Config{}); !slices.Equal(c.cfg.Scopes, DefaultScopes) {
		t.Errorf("default scopes %v", c.cfg.Scopes)
	}
	if got := originsOf("https://idp.example.org/realms/x", "https://idp.example.org/auth", "https://logout.example.org:8443/end", "::"); !slices.Equal(got,
		[]string{"https://idp.example.org", "https://logout.example.org:8443"}) {
		t.Errorf("origins %v", got)
	}
}
