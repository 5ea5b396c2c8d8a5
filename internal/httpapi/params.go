package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scim-bridge/scim-bridge/internal/scim"
	"github.com/scim-bridge/scim-bridge/internal/scim/filter"
)

// maxResults is the most resources one list or search returns; a larger
// count is clamped to it. /ServiceProviderConfig advertises it as
// filter.maxResults (RFC 7643 §5).
const maxResults = 100

// params are the query parameters of RFC 7644 §3.4.2 and §3.9, taken from a
// query string or a SearchRequest body. Empty strings are absent values,
// except for filter, whose presence hasFilter records.
type params struct {
	filter             string
	hasFilter          bool
	attributes         string
	excludedAttributes string
	startIndex         string
	count              string
}

// field returns the field for a parameter name, matched in any case, or nil
// for a parameter the bridge does not use.
func (p *params) field(name string) *string {
	switch strings.ToLower(name) {
	case "filter":
		return &p.filter
	case "attributes":
		return &p.attributes
	case "excludedattributes":
		return &p.excludedAttributes
	case "startindex":
		return &p.startIndex
	case "count":
		return &p.count
	}
	return nil
}

// set sets the parameter name, ignoring unknown ones. A parameter given
// twice is a 400 *scim.Error (invalidValue): which one counts is ambiguous.
func (p *params) set(name, value string, seen map[*string]bool) error {
	f := p.field(name)
	if f == nil {
		return nil
	}
	if seen[f] {
		return scim.BadRequest(scim.InvalidValue, "parameter %s is given more than once", name)
	}
	seen[f] = true
	*f = value
	p.hasFilter = p.hasFilter || f == &p.filter
	return nil
}

// queryParams returns the parameters of r's query string. Unknown parameters
// (Entra's aadOptscim062020) are ignored; only "&" separates pairs, so a ";"
// inside a filter value survives. Returns a 400 *scim.Error (invalidValue)
// for a known parameter that is not valid URL encoding, rather than dropping
// it, which would turn a lookup into a list of everyone.
func queryParams(r *http.Request) (params, error) {
	var p params
	seen := map[*string]bool{}
	for pair := range strings.SplitSeq(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || p.field(name) == nil {
			continue
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return params{}, scim.BadRequest(scim.InvalidValue, "parameter %s is not valid URL encoding", name)
		}
		if err := p.set(name, value, seen); err != nil {
			return params{}, err
		}
	}
	return p, nil
}

// searchParams returns the parameters of a SearchRequest body (RFC 7644
// §3.4.3). attributes and excludedAttributes may be arrays or
// comma-separated strings; startIndex and count numbers or numeric strings.
// Unknown members (sortBy, which is not supported) are ignored. Returns a
// 400 *scim.Error (invalidValue) for a member of the wrong type.
func searchParams(body map[string]any) (params, error) {
	var p params
	seen := map[*string]bool{}
	for k, v := range body {
		f := p.field(k)
		if f == nil {
			continue
		}
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case json.Number:
			if f != &p.startIndex && f != &p.count {
				return params{}, scim.BadRequest(scim.InvalidValue, "SearchRequest %s must be a string", k)
			}
			s = x.String()
		case []any:
			if f != &p.attributes && f != &p.excludedAttributes {
				return params{}, scim.BadRequest(scim.InvalidValue, "SearchRequest %s must not be an array", k)
			}
			names := make([]string, len(x))
			for i, n := range x {
				var ok bool
				if names[i], ok = n.(string); !ok {
					return params{}, scim.BadRequest(scim.InvalidValue, "SearchRequest %s must hold attribute names", k)
				}
			}
			s = strings.Join(names, ",")
		case nil:
			continue
		default:
			return params{}, scim.BadRequest(scim.InvalidValue, "SearchRequest %s has a value of the wrong type", k)
		}
		if err := p.set(k, s, seen); err != nil {
			return params{}, err
		}
	}
	return p, nil
}

// projection returns the projection of the attributes and
// excludedAttributes parameters for rt (RFC 7644 §3.4.2.5).
func (p params) projection(rt *scim.ResourceType) (*scim.Projection, error) {
	return filter.Projection(rt, p.attributes, p.excludedAttributes)
}

// paging returns startIndex and count (RFC 7644 §3.4.2.4), defaulting to 1
// and maxResults. A startIndex below 1 means 1, a negative count 0, and a
// count above maxResults is clamped to it. Returns a 400 *scim.Error
// (invalidValue) for a value that is not an integer.
func (p params) paging() (start, count int, err error) {
	if start, err = integer("startIndex", p.startIndex, 1); err != nil {
		return 0, 0, err
	}
	if count, err = integer("count", p.count, maxResults); err != nil {
		return 0, 0, err
	}
	return max(start, 1), min(max(count, 0), maxResults), nil
}

func integer(name, s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, scim.BadRequest(scim.InvalidValue, "%s must be an integer, not %q", name, truncate(s, 40))
	}
	return n, nil
}

// truncate shortens a client's value for quoting in an error detail.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
