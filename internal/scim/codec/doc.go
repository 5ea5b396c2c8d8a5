// Package codec is the bridge's one reader and writer of JSON text in the
// canonical form (RFC 8259; objects as map[string]any, numbers as
// json.Number): it parses request bodies and stored documents, appends
// values with their keys sorted, and renders a resource's representation
// (RFC 7643 §3) by splicing its stored document between the members the
// service writes, so that a response need not decode what it copies.
//
// It imports only the standard library and package scim, and does no I/O.
package codec
