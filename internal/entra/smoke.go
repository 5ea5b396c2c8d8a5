package entra

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Check is one step of a smoke run: one request, what Entra needs of its
// answer, and what came.
type Check struct {
	Step     string
	Request  string // method and target, the query unescaped
	Expected string
	Got      string
	Pass     bool
}

// SmokeOptions configures Smoke.
type SmokeOptions struct {
	// Dialects to play the conversation in, each in turn; none means
	// Default only.
	Dialects []Dialect
	// RunID prefixes every name the run creates (smoke-<RunID>-…); ""
	// means 8 random hex digits.
	RunID string
	// Keep leaves what the run created in place instead of deleting it.
	Keep bool
	// Doer sends the requests; nil means http.DefaultClient.
	Doer Doer
}

// SmokeDomain is the domain of every userName and email a smoke run
// creates: .invalid can never be a real tenant's domain (RFC 2606).
const SmokeDomain = "scim-bridge.invalid"

// Smoke plays, against the Tenant URL with token, the conversation Entra
// has with a SCIM endpoint — Test Connection; match-then-create users on
// each matching attribute; an update of every attribute Entra maps by
// default; disable and re-enable; manager set, change and remove; a
// userName change; group lookup, create, rename, member add and remove;
// re-provisioning a disabled user; deletes — in each dialect of opts, and
// then deletes what it created unless opts.Keep. It calls report with each
// check as it completes and returns every check. Every object it creates
// is named smoke-<run id>-…, and it changes or deletes only objects it
// created (Options.OwnOnly). It returns an error only if tenantURL is not
// a URL; a failed request is a failed check.
func Smoke(ctx context.Context, tenantURL, token string, opts SmokeOptions, report func(Check)) ([]Check, error) {
	if opts.RunID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
		opts.RunID = hex.EncodeToString(b[:])
	}
	dialects := opts.Dialects
	if len(dialects) == 0 {
		dialects = []Dialect{Default}
	}
	var checks []Check
	for _, d := range dialects {
		s := &smoke{tag: "smoke-" + opts.RunID + "-" + short(d), report: func(c Check) {
			checks = append(checks, c)
			if report != nil {
				report(c)
			}
		}}
		c, err := NewClient(tenantURL, token, Options{Dialect: d, Doer: opts.Doer, OwnOnly: true, Trace: s.observe})
		if err != nil {
			return nil, fmt.Errorf("smoke: %w", err)
		}
		s.c = c
		if err := s.play(ctx); err != nil {
			s.fail("abandon the "+d.String()+" dialect run", "every step to succeed", err.Error())
		}
		if !opts.Keep {
			s.cleanUp(ctx)
		}
	}
	return checks, nil
}

// short names a dialect in object names.
func short(d Dialect) string {
	if d == AADOptscim062020 {
		return "flag"
	}
	return "default"
}

// smoke is one dialect's run.
type smoke struct {
	c      *Client
	tag    string
	last   *Exchange
	report func(Check)
	// ids of the run's objects, by role.
	manager, alice, bob, carol, group string
	users                             map[string]User // what each role was last sent
}

// observe keeps the last exchange, which the next check describes.
func (s *smoke) observe(ex Exchange) { s.last = &ex }

// record reports a check of the last exchange: the checks of one answer
// all name its request.
func (s *smoke) record(step, expected, got string, pass bool) {
	c := Check{Step: step, Expected: expected, Got: got, Pass: pass}
	if s.last != nil {
		target := s.last.Target
		if u, err := url.PathUnescape(target); err == nil {
			target = u
		}
		// Ids read better as the roles they have in the run.
		for role, id := range map[string]string{"manager": s.manager, "alice": s.alice, "bob": s.bob, "carol": s.carol, "group": s.group} {
			if id != "" {
				target = strings.ReplaceAll(target, id, "{"+role+"}")
			}
		}
		c.Request = s.last.Method + " " + target
	}
	s.report(c)
}

// fail reports a failed check.
func (s *smoke) fail(step, expected, got string) { s.record(step, expected, got, false) }

// failed reports err as a failed check and returns whether there was one.
func (s *smoke) failed(step, expected string, err error) bool {
	if err == nil {
		return false
	}
	s.fail(step, expected, describe(err))
	return true
}

// describe returns what an error says of the answer.
func describe(err error) string {
	var se *StatusError
	if errors.As(err, &se) {
		got := fmt.Sprint(se.Status)
		if se.ScimType != "" {
			got += " " + se.ScimType
		}
		if se.Detail != "" {
			got += ": " + se.Detail
		}
		return got
	}
	return err.Error()
}

// name returns the userName (or group name) of a role in this run.
func (s *smoke) name(role string) string { return s.tag + "-" + role + "@" + SmokeDomain }

// play runs the conversation; an error abandons what is left of it.
func (s *smoke) play(ctx context.Context) error {
	s.users = map[string]User{}
	s.testConnection(ctx)
	if err := s.createUsers(ctx); err != nil {
		return err
	}
	s.updateAlice(ctx)
	s.disableAndEnable(ctx)
	s.managers(ctx)
	s.renameUser(ctx)
	if err := s.groups(ctx); err != nil {
		return err
	}
	s.reprovision(ctx)
	s.deletes(ctx)
	return nil
}

// cleanUp deletes, groups first, everything the run created and has not
// deleted.
func (s *smoke) cleanUp(ctx context.Context) {
	created := s.c.Created()
	for _, prefix := range []string{"Groups/", "Users/"} {
		for _, path := range created {
			id, ok := strings.CutPrefix(path, prefix)
			if !ok {
				continue
			}
			var err error
			if prefix == "Groups/" {
				err = s.c.DeleteGroup(ctx, id)
			} else {
				err = s.c.DeleteUser(ctx, id)
			}
			if !s.failed("clean up", "204", err) {
				s.record("clean up", "204", "204", true)
			}
		}
	}
}
