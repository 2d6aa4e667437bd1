package service

import (
	"testing"

	"github.com/alexedwards/argon2id"
)

// TestDummyHashCostsAsMuch: the hash compared against for an unknown
// account is written with DefaultHasher's parameters, so that refusing an
// unknown e-mail costs as much as refusing a wrong password; and it matches
// no password a user would type.
func TestDummyHashCostsAsMuch(t *testing.T) {
	params, salt, key, err := argon2id.DecodeHash(dummyHash)
	if err != nil {
		t.Fatal(err)
	}
	want := *DefaultHasher.Params
	if params.Memory != want.Memory || params.Iterations != want.Iterations || params.Parallelism != want.Parallelism ||
		uint32(len(salt)) != want.SaltLength || uint32(len(key)) != want.KeyLength {
		t.Fatalf("dummy hash parameters %+v (salt %d, key %d bytes), DefaultHasher's %+v: write it again with DefaultHasher.Hash",
			*params, len(salt), len(key), want)
	}
	if ok, err := argon2id.ComparePasswordAndHash("", dummyHash); err != nil || ok {
		t.Fatalf("the empty password matches the dummy hash: %v %v", ok, err)
	}
}
