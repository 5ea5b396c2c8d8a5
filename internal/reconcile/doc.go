// Package reconcile is the bridge's scheduled repair and alerting run. One
// Run checks and repairs the store's invariants over a bounded slice of its
// items, resuming where the last run stopped, and tells a person, once and
// clearly, when provisioning fails or stalls, or Entra still uses the
// previous token.
//
// The invariants, each repaired idempotently:
//
//   - every uniqueness item names a live record that holds its key (else it
//     is deleted);
//   - every record holds the uniqueness items of its keys (else they are
//     claimed, unless another live record holds the key: a conflict,
//     reported and left alone);
//   - every index entry names a live record that holds its value (else it
//     is dropped), and every record has the entries of its keys
//     (directory.EntryKeys: externalId; else they are added);
//   - no uniqueness item is left of a key that is no longer unique (the
//     externalId items of a store written before issue 11): its record's
//     entry is added, then the item is released;
//   - every membership joins a live user and a live group (else it is
//     deleted);
//   - a kind's counter equals its number of records (checked only when one
//     run covered the whole store);
//   - a record whose delete was interrupted is deleted.
//
// The notices, published through a Notifier: a digest of the failures the
// handler recorded since the last run, grouped by cause and quiet about a
// cause already sent unless it grew tenfold; a stall of Entra's traffic and
// its recovery; the previous token still in use a day after rotation; and
// users purged after being disabled for long. A wrong Secret Token is told
// by the template's RejectedTokenAlarm, not by a run: the handler writes no
// 401 to the journal (docs/security.md).
package reconcile
