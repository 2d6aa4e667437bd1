package service

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// SubscriptionInput is a request to follow new practices.
type SubscriptionInput struct {
	Territory, Theme, Kind, Frequency string
}

// Subscribe makes actor follow the practices that match in. Errors:
// unauthenticated; validation_failed naming an unknown territory, theme,
// kind or frequency, or the lack of any criterion; conflict when actor
// already follows the same criteria.
func (s *Service) Subscribe(ctx context.Context, actor Actor, in SubscriptionInput) (*passerelle.Subscription, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	sub := &passerelle.Subscription{UserID: actor.ID, Territory: strings.TrimSpace(in.Territory), Theme: strings.TrimSpace(in.Theme),
		Kind: passerelle.Kind(strings.TrimSpace(in.Kind)), Frequency: passerelle.Frequency(strings.TrimSpace(in.Frequency))}
	v := passerelle.Validation{}
	sub.ValidateShape(v)
	if sub.Territory != "" && snap.Tree().Get(sub.Territory) == nil {
		v.Add("territory", passerelle.FieldUnknown)
	}
	if sub.Theme != "" && snap.Theme(sub.Theme) == nil {
		v.Add("theme", passerelle.FieldUnknown)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return store.InsertSubscription(ctx, tx, sub) })
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// Subscriptions lists actor's subscriptions, oldest first.
func (s *Service) Subscriptions(ctx context.Context, actor Actor) ([]passerelle.Subscription, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	return store.ListSubscriptions(ctx, s.DB.Read, actor.ID)
}

// DeleteSubscription stops one of actor's subscriptions. Errors:
// unauthenticated; not_found when actor holds no subscription with that id
// (someone else's included).
func (s *Service) DeleteSubscription(ctx context.Context, actor Actor, id int64) error {
	if actor == nil {
		return SignInNeeded()
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return store.DeleteSubscription(ctx, tx, actor.ID, id) })
}

// MarkOneRead marks one of actor's notifications read. Errors:
// unauthenticated; not_found when it is not one of actor's.
func (s *Service) MarkOneRead(ctx context.Context, actor Actor, id int64) error {
	if actor == nil {
		return SignInNeeded()
	}
	n, err := store.GetNotification(ctx, s.DB.Read, id)
	if err != nil {
		return err
	}
	if n.UserID != actor.ID {
		return passerelle.Errorf(passerelle.ENotFound, "Notification not found.")
	}
	return store.MarkNotificationsRead(ctx, s.DB.Bun, actor.ID, []int64{id})
}

// EmailSettings are a user's e-mail preferences and language.
type EmailSettings struct {
	Preferences passerelle.EmailPreferences
	Lang        string
}

// Languages of e-mails.
var Languages = []string{"fr", "en"}

// EmailSettings returns actor's e-mail preferences and language.
func (s *Service) EmailSettings(ctx context.Context, actor Actor) (*EmailSettings, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	p, err := store.EmailPreferences(ctx, s.DB.Read, actor.ID)
	if err != nil {
		return nil, err
	}
	u, err := store.UserByID(ctx, s.DB.Read, actor.ID)
	if err != nil {
		return nil, err
	}
	return &EmailSettings{Preferences: p, Lang: u.Lang}, nil
}

// SetEmailSettings replaces actor's e-mail preferences and language. Errors:
// unauthenticated; validation_failed for an unknown language.
func (s *Service) SetEmailSettings(ctx context.Context, actor Actor, in EmailSettings) error {
	if actor == nil {
		return SignInNeeded()
	}
	if !slices.Contains(Languages, in.Lang) {
		return &passerelle.Error{Code: passerelle.EValidation, Message: "Unknown language.", Fields: map[string]string{"lang": passerelle.FieldUnknown}}
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.SetEmailPreferences(ctx, tx, actor.ID, in.Preferences); err != nil {
			return err
		}
		return store.SetUserLang(ctx, tx, actor.ID, in.Lang)
	})
}

// UnsubscribeSecret names the server secret signing unsubscribe links.
const UnsubscribeSecret = "unsubscribe"

// UnsubscribeRequest is what a valid unsubscribe link asks.
type UnsubscribeRequest struct {
	User     *passerelle.User
	Category passerelle.EmailCategory
}

// CheckUnsubscribe reads an unsubscribe token without acting on it. Errors:
// not_found for a forged, damaged or expired token, or one naming an
// account that no longer exists.
func (s *Service) CheckUnsubscribe(ctx context.Context, token string) (*UnsubscribeRequest, error) {
	secret, err := store.ServerSecret(ctx, s.DB.Bun, UnsubscribeSecret)
	if err != nil {
		return nil, err
	}
	bad := passerelle.Errorf(passerelle.ENotFound, "This unsubscribe link is not valid or has expired.")
	u, err := mail.VerifyUnsubscribe(secret, token, time.Now())
	if errors.Is(err, mail.ErrBadToken) || !passerelle.EmailCategory(u.Category).Valid() {
		return nil, bad
	}
	user, err := store.UserByID(ctx, s.DB.Read, u.UserID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	return &UnsubscribeRequest{User: user, Category: passerelle.EmailCategory(u.Category)}, nil
}

// Unsubscribe acts on an unsubscribe token: its user gets no more e-mails of
// its category. It needs no session: the signed token is the authority.
// Errors: as CheckUnsubscribe.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*UnsubscribeRequest, error) {
	req, err := s.CheckUnsubscribe(ctx, token)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return store.TurnOffEmail(ctx, tx, req.User.ID, req.Category)
	})
	return req, err
}
