package main

import (
	"fmt"
	"strings"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/errors"
	filter "github.com/scim2/filter-parser/v2"
)

// applyOps applies PATCH operations other than member changes to attrs:
// add and replace set the value at the path (RFC 7644 §3.5.2), a path-less
// one sets each of its keys, which are paths too, and remove deletes.
func applyOps(attrs scim.ResourceAttributes, ops []scim.PatchOperation) error {
	for _, op := range ops {
		if op.Path != nil {
			set(attrs, *op.Path, op.Value, op.Op == scim.PatchOperationRemove)
			continue
		}
		values, ok := op.Value.(map[string]any)
		if !ok {
			return errors.ScimErrorInvalidValue
		}
		for k, v := range values {
			set(attrs, splitPath(k), v, false)
		}
	}
	return nil
}

// splitPath splits a key of a path-less operation, which the library has
// validated: an attribute, "attr.sub", or an extension's URN and ":attr".
// (Parsing it again with the library's parser would double the peer's
// cost of such a PATCH.)
func splitPath(k string) filter.Path {
	var p filter.Path
	if strings.HasPrefix(strings.ToLower(k), "urn:") {
		i := strings.LastIndexByte(k, ':')
		uri := k[:i]
		p.AttributePath.URIPrefix, k = &uri, k[i+1:]
	}
	name, sub, ok := strings.Cut(k, ".")
	p.AttributePath.AttributeName = name
	if ok {
		p.AttributePath.SubAttribute = &sub
	}
	return p
}

// set sets (or with remove deletes) the value at path p in attrs: an
// attribute, an extension's attribute (its URN first), a sub-attribute,
// or a sub-attribute of the element a value filter selects, which is made
// if none matches.
func set(attrs map[string]any, p filter.Path, v any, remove bool) {
	container := attrs
	if uri := p.AttributePath.URIPrefix; uri != nil {
		ext, _ := attrs[*uri].(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			attrs[*uri] = ext
		}
		container = ext
	}
	name := p.AttributePath.AttributeName
	sub := p.AttributePath.SubAttribute
	if p.SubAttribute != nil {
		sub = p.SubAttribute
	}
	if expr, ok := p.ValueExpression.(*filter.AttributeExpression); ok {
		container = element(container, name, expr)
		name, sub = *sub, nil
	}
	if sub != nil {
		inner, _ := container[name].(map[string]any)
		if inner == nil {
			inner = map[string]any{}
			container[name] = inner
		}
		container, name = inner, *sub
	}
	if remove {
		delete(container, name)
		return
	}
	container[name] = v
}

// element returns the element of the multi-valued attribute name whose
// sub-attribute expr names equals its value, adding one if there is none.
func element(container map[string]any, name string, expr *filter.AttributeExpression) map[string]any {
	list, _ := container[name].([]any)
	key, want := expr.AttributePath.AttributeName, fmt.Sprint(expr.CompareValue)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok && strings.EqualFold(fmt.Sprint(m[key]), want) {
			return m
		}
	}
	m := map[string]any{key: expr.CompareValue}
	container[name] = append(list, m)
	return m
}
