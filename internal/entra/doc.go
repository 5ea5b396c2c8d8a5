// Package entra plays Microsoft Entra ID's provisioning service against a
// SCIM endpoint: the requests it sends, with its headers, in its order and
// in either of its PATCH dialects (the default one and the one the
// aadOptscim062020 flag selects), as docs/entra.md describes them.
//
// Client sends one request per method (Test Connection's probes, the
// match-before-create lookup, POST, PATCH, DELETE, the legacy reference
// checks). Provisioner is Entra's engine on top of it: it matches before
// it creates, keeps the ids it learned (Entra's anchors), and sends only
// what changed. Both speak through a Doer, so the same conversation runs
// over the network against a deployed Tenant URL or in-process against
// the bridge's handlers.
package entra
