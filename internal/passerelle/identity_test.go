package passerelle

import (
	"strings"
	"testing"
)

func TestNameFromIdentity(t *testing.T) {
	tests := []struct {
		name string
		id   Identity
		want string
	}{
		{"given", Identity{Name: "  Agnès   Agent ", Email: "a@b.fr"}, "Agnès Agent"},
		{"from the e-mail", Identity{Email: "agnes.agent@mairie.fr"}, "agnes.agent"},
		{"control characters dropped", Identity{Name: "Agnès\u0007 \u0085Agent"}, "Agnès Agent"},
		{"bounded", Identity{Name: strings.Repeat("é", 300)}, strings.Repeat("é", 200)},
	}
	for _, tt := range tests {
		if got := NameFromIdentity(tt.id); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSignInReason(t *testing.T) {
	err := SignInError(EUnauthn, SignInUnverified, "x")
	if SignInReason(err) != SignInUnverified || ErrorCode(err) != EUnauthn || SignInReason(Errorf(EInvalid, "y")) != "" {
		t.Errorf("reasons: %v", err)
	}
}
