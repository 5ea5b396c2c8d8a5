package reconcile

import (
	"fmt"
	"strings"
	"time"
)

// stalledNotice says that requests stopped at last, as seen at now.
func stalledNotice(last, now time.Time) Notice {
	quiet := span(now.Sub(last))
	return Notice{
		Kind:    NoticeStalled,
		Subject: subject(fmt.Sprintf("scim-bridge: no provisioning requests for %s; Entra's job may be quarantined or stopped", quiet)),
		Body: fmt.Sprintf(`Entra's provisioning job sent its last request to scim-bridge at %s, %s ago.
Entra runs a cycle about every 40 minutes, so the job has missed several.

In the Entra admin center, open Enterprise applications, this application, Provisioning:
  - a status of Quarantine means Entra gave up after repeated failures and now tries once a day;
    the reason is shown there and in the provisioning logs. Fix it, then restart provisioning.
  - a stopped job (Provisioning Status Off) must be started again.
  - a Secret Token that no longer works shows as failing credentials; update it and Test Connection.

A notice follows when requests arrive again.
`, stamp(last), quiet),
		Data: mustJSON(struct {
			LastRequest time.Time `json:"lastRequest"`
			Silence     string    `json:"silence"`
		}{last, quiet}),
	}
}

// resumedNotice says that requests came back after a stall noticed with
// the last request at stalled; last is the latest seen since.
func resumedNotice(stalled, last time.Time) Notice {
	return Notice{
		Kind:    NoticeResumed,
		Subject: subject(fmt.Sprintf("scim-bridge: provisioning requests resumed after a stall since %s", stamp(stalled))),
		Body: fmt.Sprintf(`Entra's provisioning job is sending requests to scim-bridge again: the latest at %s,
after none from %s on. Nothing more needs doing unless failure digests follow.
`, stamp(last), stamp(stalled)),
		Data: mustJSON(struct {
			StalledSince time.Time `json:"stalledSince"`
			LastRequest  time.Time `json:"lastRequest"`
		}{stalled, last}),
	}
}

// previousTokenNotice says that the previous token was still used at last,
// after a rotation at rotated, and that it is refused from accepted after
// the rotation on.
func previousTokenNotice(rotated, last time.Time, accepted time.Duration) Notice {
	after := span(last.Sub(rotated))
	refused := rotated.Add(accepted)
	return Notice{
		Kind:    NoticePreviousToken,
		Subject: subject(fmt.Sprintf("scim-bridge: Entra still uses the previous Secret Token %s after rotation; update it", after)),
		Body: fmt.Sprintf(`The bearer token was rotated at %s, and Entra still sent the previous one at %s.
scim-bridge accepts the previous token for %s after a rotation (the PreviousTokenAcceptedDays parameter),
so until %s, and only until the next rotation if that comes first; then Entra's requests will fail with 401.

Paste the current token (the stack's TokenCommand output) as the Secret Token in Entra's provisioning
settings, click Test Connection and save.
`, stamp(rotated), stamp(last), span(accepted), stamp(refused)),
		Data: mustJSON(struct {
			RotatedAt   time.Time `json:"rotatedAt"`
			LastUse     time.Time `json:"lastUse"`
			RefusedFrom time.Time `json:"refusedFrom"`
		}{rotated, last, refused}),
	}
}

// purgeNotice reports n users purged (ids lists the first) after being
// disabled for longer than after.
func purgeNotice(n int, ids []string, after time.Duration) Notice {
	days := int(after.Hours() / 24)
	return Notice{
		Kind:    NoticePurge,
		Subject: subject(fmt.Sprintf("scim-bridge: deleted %d %s disabled for more than %d days", n, plural(n, "user", "users"), days)),
		Body: fmt.Sprintf(`scim-bridge deleted %d users whose active attribute was false and who had not changed for more
than %d days, with their group memberships (PurgeDisabledAfterDays). Entra no longer manages users it
disabled on unassignment, so nothing else removes them.

Ids: %s
`, n, days, strings.Join(ids, ", ")),
		Data: mustJSON(struct {
			Count int      `json:"count"`
			Days  int      `json:"days"`
			IDs   []string `json:"ids"`
		}{n, days, ids}),
	}
}
