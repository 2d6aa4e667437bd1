package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// InvitationInput is who to invite, and to what.
type InvitationInput struct {
	Email     string
	Name      string
	Role      string
	Territory string
	Lang      string // of the e-mail: "fr" (default) or "en"
}

// Invite invites someone by e-mail to open an account holding a role on a
// territory. Administrators invite to any role on any territory; moderators
// invite contributors on the territories they moderate. The e-mail goes out
// through River, queued in the same transaction as the invitation and its
// audit entry. Errors: unauthenticated, validation_failed (address, name,
// unknown role or territory), forbidden (not allowed to invite to that role
// there), conflict (an account or an open invitation for that address).
func (s *Service) Invite(ctx context.Context, actor Actor, in InvitationInput) (*passerelle.Invitation, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	in.Email = passerelle.NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	in.Territory = strings.TrimSpace(in.Territory)
	role := passerelle.Role(strings.TrimSpace(in.Role))
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	v := passerelle.Validation{}
	if err := passerelle.ValidateInvitation(in.Email, in.Name, role); err != nil {
		for f, r := range err.(*passerelle.Error).Fields {
			v.Add(f, r)
		}
	}
	if in.Territory == "" {
		v.Add("territory", passerelle.FieldRequired)
	} else if snap.Tree().Get(in.Territory) == nil {
		v.Add("territory", passerelle.FieldUnknown)
	}
	lang := in.Lang
	if lang == "" {
		lang = "fr"
	} else if lang != "fr" && lang != "en" {
		v.Add("lang", passerelle.FieldUnknown)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := mayInvite(snap, actor, role, in.Territory); err != nil {
		return nil, err
	}
	now := store.Now()
	inv := &passerelle.Invitation{Email: in.Email, Name: in.Name, Role: role, Territory: in.Territory, Lang: lang,
		InvitedBy: actor.ID, InvitedByName: actor.Name, CreatedAt: now, ExpiresAt: now.Add(passerelle.InvitationLifetime)}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, _, err := store.UserByEmail(ctx, tx, in.Email); err == nil {
			return &passerelle.Error{Code: passerelle.EConflict, Message: "An account with this e-mail already exists.",
				Fields: map[string]string{"email": passerelle.FieldTaken}}
		} else if passerelle.ErrorCode(err) != passerelle.ENotFound {
			return err
		}
		switch open, err := store.OpenInvitation(ctx, tx, in.Email); {
		case passerelle.ErrorCode(err) == passerelle.ENotFound:
		case err != nil:
			return err
		case open.State(now) == passerelle.InvitationPending:
			return &passerelle.Error{Code: passerelle.EConflict, Message: "An invitation to this address is already waiting for an answer.",
				Fields: map[string]string{"email": passerelle.FieldTaken}}
		default: // expired: make room for the new one
			if _, err := store.RevokeInvitation(ctx, tx, open.ID, now); err != nil {
				return err
			}
		}
		if err := store.InsertInvitation(ctx, tx, inv); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, passerelle.AuditInvitationCreate, in.Email, map[string]string{
			"name": in.Name, "role": string(role), "territory": in.Territory, "invitation": strconv.FormatInt(inv.ID, 10),
		}); err != nil {
			return err
		}
		_, err := s.River.InsertTx(ctx, tx.Tx, jobs.SendInvitationArgs{InvitationID: inv.ID}, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// mayInvite checks who may invite to role on territory: administrators
// anywhere; moderators (PermInvite) contributors on what they moderate.
func mayInvite(snap *authz.Snapshot, actor Actor, role passerelle.Role, territory string) error {
	if actor.IsAdmin() {
		return nil
	}
	if !snap.CanAnywhere(actor, passerelle.PermInvite) {
		return forbidden("Only administrators and moderators invite people.")
	}
	if !passerelle.MayInvite(actor, role) {
		return forbidden("Moderators invite contributors only.")
	}
	if !snap.Can(actor, passerelle.PermInvite, territory) {
		return forbidden("You may only invite people on the territories you moderate.")
	}
	return nil
}

// Invitations lists the invitations the actor may see, newest first:
// every one for an administrator, those on the territories they moderate
// for a moderator. Errors: unauthenticated, forbidden.
func (s *Service) Invitations(ctx context.Context, actor Actor) ([]*passerelle.Invitation, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	f := store.InvitationFilter{}
	if !actor.IsAdmin() {
		snap, err := s.snapshot(ctx)
		if err != nil {
			return nil, err
		}
		scope := snap.Scopes(actor, passerelle.PermInvite)
		if len(scope) == 0 {
			return nil, forbidden("Only administrators and moderators invite people.")
		}
		f.Territories = scope
	}
	return store.ListInvitations(ctx, s.DB.Read, f)
}

// RevokeInvitation closes an open invitation, so that its link stops
// working; the actor must be allowed to send it. Errors: unauthenticated,
// not_found (none the actor may see), forbidden, conflict (no longer open).
func (s *Service) RevokeInvitation(ctx context.Context, actor Actor, id int64) error {
	if actor == nil {
		return SignInNeeded()
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		inv, err := store.InvitationByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if !actor.IsAdmin() && !snap.Can(actor, passerelle.PermInvite, inv.Territory) {
			return passerelle.Errorf(passerelle.ENotFound, "Invitation not found.")
		}
		if err := mayInvite(snap, actor, inv.Role, inv.Territory); err != nil {
			return err
		}
		ok, err := store.RevokeInvitation(ctx, tx, id, store.Now())
		if err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.EConflict, "This invitation was already accepted or withdrawn.")
		}
		return audit(ctx, tx, actor, passerelle.AuditInvitationRevoke, inv.Email, map[string]string{
			"role": string(inv.Role), "territory": inv.Territory, "invitation": strconv.FormatInt(inv.ID, 10)})
	})
}

// openInvitation returns the invitation of a token if it may still be
// accepted: not_found for a token that matches nothing, conflict with a
// message saying why for one used, withdrawn or expired.
func openInvitation(ctx context.Context, db bun.IDB, token string) (*passerelle.Invitation, error) {
	if token == "" {
		return nil, tokenError(passerelle.ENotFound, TokenUnknown, "This invitation link is not valid.")
	}
	inv, err := store.InvitationByTokenHash(ctx, db, passerelle.HashSecret(token))
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return nil, tokenError(passerelle.ENotFound, TokenUnknown, "This invitation link is not valid.")
	} else if err != nil {
		return nil, err
	}
	switch inv.State(store.Now()) {
	case passerelle.InvitationAccepted:
		return nil, tokenError(passerelle.EConflict, TokenUsed, "This invitation has already been used; sign in with your account.")
	case passerelle.InvitationRevoked:
		return nil, tokenError(passerelle.EConflict, TokenRevoked, "This invitation was withdrawn; ask for a new one.")
	case passerelle.InvitationExpired:
		return nil, tokenError(passerelle.EConflict, TokenExpired, "This invitation has expired; ask for a new one.")
	}
	return inv, nil
}

// Why a link's token is refused: the value of the "token" field of the
// not_found or conflict error.
const (
	TokenUnknown = "unknown" // matches nothing
	TokenUsed    = "used"
	TokenExpired = "expired"
	TokenRevoked = "revoked" // withdrawn by whoever sent it
	TokenInvalid = "invalid" // its sender may no longer send it
)

func tokenError(code, reason, msg string) error {
	return &passerelle.Error{Code: code, Message: msg, Fields: map[string]string{"token": reason}}
}

// InvitationByToken returns the invitation a link carries, for its
// acceptance page. Errors: not_found, conflict (used, withdrawn, expired).
func (s *Service) InvitationByToken(ctx context.Context, token string) (*passerelle.Invitation, error) {
	return openInvitation(ctx, s.DB.Read, token)
}

// AcceptInvitation opens the account an invitation offers, with password,
// and grants its role — once: the token then stops working. The inviter
// must still be allowed to invite to that role there. Errors: not_found,
// conflict (used, withdrawn, expired, no longer valid, an account exists
// meanwhile), validation_failed (password under 12 characters).
func (s *Service) AcceptInvitation(ctx context.Context, token, password string) (*passerelle.User, error) {
	inv, err := openInvitation(ctx, s.DB.Read, token)
	if err != nil {
		return nil, err
	}
	if err := passerelle.ValidatePassword("password", password); err != nil {
		return nil, err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	if inv.InvitedBy != 0 {
		inviter, err := store.UserByID(ctx, s.DB.Read, inv.InvitedBy)
		if err != nil {
			return nil, err
		}
		if inviter.Disabled() || mayInvite(snap, inviter, inv.Role, inv.Territory) != nil {
			return nil, tokenError(passerelle.EConflict, TokenInvalid, "This invitation is no longer valid; ask for a new one.")
		}
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	u := &passerelle.User{Email: inv.Email, Name: inv.Name, Lang: inv.Lang}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.InsertUser(ctx, tx, u, hash); err != nil {
			return err
		}
		now := store.Now()
		ok, err := store.AcceptInvitation(ctx, tx, inv.ID, u.ID, now)
		if err != nil {
			return err
		} else if !ok {
			return tokenError(passerelle.EConflict, TokenUsed, "This invitation has already been used; sign in with your account.")
		}
		if _, err := store.InsertGrant(ctx, tx, passerelle.Grant{UserID: u.ID, Role: inv.Role, Territory: inv.Territory}); err != nil {
			return err
		}
		if err := audit(ctx, tx, u, passerelle.AuditInvitationAccept, inv.Email, map[string]string{
			"role": string(inv.Role), "territory": inv.Territory, "invitation": strconv.FormatInt(inv.ID, 10)}); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
