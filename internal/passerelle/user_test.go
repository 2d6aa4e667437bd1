package passerelle_test

import (
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{name: "already normal", in: "alice@example.org", want: "alice@example.org"},
		{name: "capitals", in: "Alice.Martin@Example.ORG", want: "alice.martin@example.org"},
		{name: "spaces", in: "  alice@example.org\t\n", want: "alice@example.org"},
		{name: "both", in: " ALICE@EXAMPLE.ORG ", want: "alice@example.org"},
		{name: "empty", in: "   ", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := passerelle.NormalizeEmail(tt.in); got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateNewUser(t *testing.T) {
	t.Parallel()
	const good = "correct horse" // 13 characters
	tests := []struct {
		name                   string
		email, uname, password string
		want                   map[string]string
	}{
		{name: "valid", email: "alice@example.org", uname: "Alice", password: good},
		{name: "password of exactly 12 characters", email: "a@example.org", uname: "A", password: "123456789012"},
		{name: "password of 12 accented characters", email: "a@example.org", uname: "A", password: strings.Repeat("é", 12)},
		{name: "password of 11 characters", email: "a@example.org", uname: "A", password: "12345678901",
			want: map[string]string{"password": passerelle.FieldTooShort}},
		{name: "password of 11 accented characters (22 bytes)", email: "a@example.org", uname: "A", password: strings.Repeat("é", 11),
			want: map[string]string{"password": passerelle.FieldTooShort}},
		{name: "empty password", email: "a@example.org", uname: "A", password: "",
			want: map[string]string{"password": passerelle.FieldTooShort}},
		{name: "password over 1024 bytes", email: "a@example.org", uname: "A", password: strings.Repeat("a", 1025),
			want: map[string]string{"password": passerelle.FieldTooLong}},
		{name: "not an e-mail", email: "alice", uname: "A", password: good,
			want: map[string]string{"email": passerelle.FieldInvalid}},
		{name: "display name form", email: "Alice <alice@example.org>", uname: "A", password: good,
			want: map[string]string{"email": passerelle.FieldInvalid}},
		{name: "surrounding spaces", email: " alice@example.org", uname: "A", password: good,
			want: map[string]string{"email": passerelle.FieldInvalid}},
		{name: "empty e-mail", email: "", uname: "A", password: good,
			want: map[string]string{"email": passerelle.FieldInvalid}},
		{name: "e-mail over 254 bytes", email: strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".org", uname: "A", password: good,
			want: map[string]string{"email": passerelle.FieldInvalid}},
		{name: "blank name", email: "a@example.org", uname: "  ", password: good,
			want: map[string]string{"name": passerelle.FieldRequired}},
		{name: "name of 201 characters", email: "a@example.org", uname: strings.Repeat("n", 201), password: good,
			want: map[string]string{"name": passerelle.FieldTooLong}},
		{name: "everything wrong", email: "x", uname: "", password: "short",
			want: map[string]string{"email": passerelle.FieldInvalid, "name": passerelle.FieldRequired, "password": passerelle.FieldTooShort}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkFields(t, passerelle.ValidateNewUser(tt.email, tt.uname, tt.password), tt.want)
		})
	}
	if passerelle.MinPasswordLength != 12 {
		t.Errorf("MinPasswordLength = %d, want 12", passerelle.MinPasswordLength)
	}
}

func TestUserDisabled(t *testing.T) {
	t.Parallel()
	now := time.Now()
	if (&passerelle.User{}).Disabled() {
		t.Error("a new account is disabled")
	}
	if !(&passerelle.User{DisabledAt: &now}).Disabled() {
		t.Error("an account with DisabledAt is enabled")
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		role      passerelle.Role
		grantable bool
	}{
		{role: passerelle.RoleContributor, grantable: true},
		{role: passerelle.RoleModerator, grantable: true},
		{role: passerelle.RoleReader},
		{role: passerelle.RoleAdmin},
		{role: "owner"},
		{role: ""},
	}
	for _, tt := range tests {
		if got := tt.role.Grantable(); got != tt.grantable {
			t.Errorf("Role(%q).Grantable() = %v, want %v", tt.role, got, tt.grantable)
		}
	}
}
