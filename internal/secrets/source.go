// Package secrets checks bearer tokens against a token kept in AWS Secrets
// Manager. It satisfies httpapi.TokenSource.
package secrets

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Defaults of Options.
const (
	DefaultTTL             = 5 * time.Minute
	DefaultRefreshInterval = 30 * time.Second
	// DefaultPreviousFor is how long after a rotation the previous token
	// is still accepted: a week to paste the new one into Entra, after
	// which a leaked old token is worth nothing.
	DefaultPreviousFor = 7 * 24 * time.Hour
)

// previousWarnEvery rate-limits the warning about uses of the previous token.
const previousWarnEvery = time.Minute

// Options tune a Source. Zero values select the defaults.
type Options struct {
	// TTL is how long fetched tokens are used before they are fetched
	// again; default DefaultTTL.
	TTL time.Duration
	// RefreshInterval is the least time between two fetches caused by a
	// token that matched nothing (so a rotation is seen quickly, without
	// letting bad tokens hammer Secrets Manager), and between retries of a
	// failed fetch while older tokens are cached; default
	// DefaultRefreshInterval.
	RefreshInterval time.Duration
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// OnPrevious, if not nil, is called with the request's context each
	// time a request is accepted with the previous token, so main can
	// record it for the reconciler. It runs on the request path and must
	// return quickly.
	OnPrevious func(context.Context)
	// PreviousFor is how long after a rotation (the creation of the
	// AWSCURRENT version) the AWSPREVIOUS token is accepted; default
	// DefaultPreviousFor.
	PreviousFor time.Duration
}

// Source checks bearer tokens against the AWSCURRENT and AWSPREVIOUS
// versions of one secret. The secret's value is the token, either as the
// whole string or as the "token" member of a JSON object. Tokens are fetched
// lazily on the first Check (not at start, which would slow a Lambda's init
// and fail it while Secrets Manager is unreachable) and cached. A Source is
// safe for concurrent use. It never logs a token or puts one in an error.
type Source struct {
	client   *secretsmanager.Client
	secretID string
	logger   *slog.Logger
	ttl      time.Duration
	interval time.Duration
	now      func() time.Time
	onPrev   func(context.Context)
	prevFor  time.Duration

	// fetching holds the right to fetch and to change the fields below; a
	// channel rather than a mutex, so a waiting Check honours its context.
	fetching chan struct{}
	set      *tokenSet
	loaded   time.Time // when set was fetched
	tried    time.Time // when a fetch last began
	missed   time.Time // when a token that matched nothing last caused a fetch

	warnMu      sync.Mutex
	warned      time.Time // when the previous-token warning was last logged
	previousUse atomic.Int64
}

// tokenSet holds the SHA-256 hashes of the accepted tokens: hashes have one
// length, so comparing them in constant time reveals nothing about the
// tokens' lengths either.
type tokenSet struct {
	current, previous [sha256.Size]byte
	hasPrevious       bool
	// previousUntil is when the previous token stops being accepted:
	// Options.PreviousFor after the current version was created.
	previousUntil time.Time
}

// New returns a Source for the secret secretID (a name or ARN) read with
// client, logging warnings to logger (nil discards them). It does no I/O.
func New(client *secretsmanager.Client, secretID string, logger *slog.Logger, opts Options) *Source {
	s := &Source{
		client:   client,
		secretID: secretID,
		logger:   logger,
		ttl:      opts.TTL,
		interval: opts.RefreshInterval,
		now:      opts.Now,
		onPrev:   opts.OnPrevious,
		prevFor:  opts.PreviousFor,
		fetching: make(chan struct{}, 1),
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.ttl <= 0 {
		s.ttl = DefaultTTL
	}
	if s.interval <= 0 {
		s.interval = DefaultRefreshInterval
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.prevFor <= 0 {
		s.prevFor = DefaultPreviousFor
	}
	return s
}

// Check reports whether token is the secret's current token, or its
// previous token within Options.PreviousFor of the rotation. A
// token that matches neither makes the Source fetch the secret again (at
// most once per RefreshInterval) before answering false, so a rotated token
// is accepted at once. While cached tokens exist, a failed fetch keeps them
// in use; an error means no tokens could be fetched at all, and validity is
// unknown (the HTTP layer answers 503, not 401). Each use of the previous
// token is logged as a warning, at most once a minute, and reported to
// Options.OnPrevious.
func (s *Source) Check(ctx context.Context, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	sum := sha256.Sum256([]byte(token))
	set, fetched, err := s.tokens(ctx, false)
	if err != nil {
		return false, err
	}
	current, previous := set.match(sum, s.now())
	if !current && !previous && !fetched {
		if set, _, err = s.tokens(ctx, true); err != nil {
			return false, err
		}
		current, previous = set.match(sum, s.now())
	}
	if previous && !current {
		s.warnPrevious()
		if s.onPrev != nil {
			s.onPrev(ctx)
		}
	}
	return current || previous, nil
}

// match compares sum with both hashes, always both, in constant time; the
// previous token matches only before previousUntil.
func (t *tokenSet) match(sum [sha256.Size]byte, now time.Time) (current, previous bool) {
	current = subtle.ConstantTimeCompare(sum[:], t.current[:]) == 1
	previous = subtle.ConstantTimeCompare(sum[:], t.previous[:]) == 1 && t.hasPrevious && now.Before(t.previousUntil)
	return current, previous
}

// tokens returns the cached tokens, fetching them first when there are none,
// when they are older than the TTL, or, if miss, because a token matched
// nothing; fetched reports whether they were fetched just now.
func (s *Source) tokens(ctx context.Context, miss bool) (set *tokenSet, fetched bool, err error) {
	select {
	case s.fetching <- struct{}{}:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	defer func() { <-s.fetching }()

	now := s.now()
	switch {
	case s.set == nil:
	case miss && now.Sub(s.missed) >= s.interval:
		s.missed = now
	case !miss && now.Sub(s.loaded) >= s.ttl && now.Sub(s.tried) >= s.interval:
	default:
		return s.set, false, nil
	}
	s.tried = now
	set, err = s.fetch(ctx)
	if err != nil {
		if s.set != nil {
			s.logger.Warn("secrets: refreshing the bearer token failed; using the cached one",
				"secret", s.secretID, "error", err)
			return s.set, false, nil
		}
		return nil, false, err
	}
	s.set, s.loaded = set, now
	return set, true, nil
}

// warnPrevious logs that a request used the previous token, at most once
// per previousWarnEvery, with the number of such uses since the last
// warning.
func (s *Source) warnPrevious() {
	s.previousUse.Add(1)
	now := s.now()
	s.warnMu.Lock()
	if !s.warned.IsZero() && now.Sub(s.warned) < previousWarnEvery {
		s.warnMu.Unlock()
		return
	}
	s.warned = now
	s.warnMu.Unlock()
	s.logger.Warn("secrets: a request used the previous bearer token; set the new one as the Secret Token in Entra",
		"secret", s.secretID, "uses", s.previousUse.Swap(0))
}
