// Package scim is the SCIM 2.0 vocabulary (RFC 7643, RFC 7644) that the rest
// of the bridge speaks: schemas as data, attribute resolution, resource
// normalisation, projection and the protocol's error type.
//
// It imports only the standard library and does no I/O.
package scim
