package lambdatest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is what this package reads of template.yaml: the HTTP API's
// routes and the table's properties.
type Template struct {
	Routes []Route
	Table  TableProperties
}

// Route is one HttpApi event of a function: API Gateway sends requests
// matching Method and Path to Function.
type Route struct {
	// Function is the logical id of the function, e.g. "UsersFunction".
	Function string
	// Method is an HTTP method or ANY.
	Method string
	// Path is a route path with API Gateway variables: {name} matches one
	// segment, a final {name+} one or more.
	Path string
}

// TableProperties are the properties of the template's DynamoDB table
// that its definition in internal/dynamo decides.
type TableProperties struct {
	BillingMode          string `yaml:"BillingMode"`
	AttributeDefinitions []struct {
		AttributeName string `yaml:"AttributeName"`
		AttributeType string `yaml:"AttributeType"`
	} `yaml:"AttributeDefinitions"`
	KeySchema              []KeyElement `yaml:"KeySchema"`
	GlobalSecondaryIndexes []struct {
		IndexName  string       `yaml:"IndexName"`
		KeySchema  []KeyElement `yaml:"KeySchema"`
		Projection struct {
			ProjectionType string `yaml:"ProjectionType"`
		} `yaml:"Projection"`
	} `yaml:"GlobalSecondaryIndexes"`
	TimeToLiveSpecification struct {
		AttributeName string `yaml:"AttributeName"`
		Enabled       bool   `yaml:"Enabled"`
	} `yaml:"TimeToLiveSpecification"`
	StreamSpecification struct {
		StreamViewType string `yaml:"StreamViewType"`
	} `yaml:"StreamSpecification"`
}

// KeyElement is one element of a key schema.
type KeyElement struct {
	AttributeName string `yaml:"AttributeName"`
	KeyType       string `yaml:"KeyType"`
}

// ProjectTemplate reads the module's template.yaml, from any directory
// inside the module.
func ProjectTemplate() (*Template, error) {
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	return ReadTemplate(filepath.Join(root, "template.yaml"))
}

// ReadTemplate reads the SAM template at path. CloudFormation's tags (!Ref,
// !GetAtt, …) are left undecoded: only the resources' types and the
// properties read here are decoded. It is an error if the template has not
// exactly one DynamoDB table.
func ReadTemplate(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	var doc struct {
		Resources map[string]struct {
			Type       string    `yaml:"Type"`
			Properties yaml.Node `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read template %s: %w", path, err)
	}
	t := new(Template)
	tables := 0
	for name, res := range doc.Resources {
		switch res.Type {
		case "AWS::Serverless::Function":
			var fn struct {
				Events map[string]struct {
					Type       string    `yaml:"Type"`
					Properties yaml.Node `yaml:"Properties"`
				} `yaml:"Events"`
			}
			if err := res.Properties.Decode(&fn); err != nil {
				return nil, fmt.Errorf("read template %s: function %s: %w", path, name, err)
			}
			for event, ev := range fn.Events {
				if ev.Type != "HttpApi" {
					continue
				}
				var r struct {
					Method string `yaml:"Method"`
					Path   string `yaml:"Path"`
				}
				if err := ev.Properties.Decode(&r); err != nil {
					return nil, fmt.Errorf("read template %s: event %s of %s: %w", path, event, name, err)
				}
				t.Routes = append(t.Routes, Route{Function: name, Method: strings.ToUpper(r.Method), Path: r.Path})
			}
		case "AWS::DynamoDB::Table":
			tables++
			if err := res.Properties.Decode(&t.Table); err != nil {
				return nil, fmt.Errorf("read template %s: table %s: %w", path, name, err)
			}
		}
	}
	if tables != 1 {
		return nil, fmt.Errorf("read template %s: %d DynamoDB tables, want 1", path, tables)
	}
	slices.SortFunc(t.Routes, func(a, b Route) int { return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method) })
	return t, nil
}

// Matches reports whether API Gateway would send a request for method and
// path (a raw path without query) to r, if r were the only route.
func (r Route) Matches(method, path string) bool {
	if r.Method != "ANY" && r.Method != method {
		return false
	}
	want, got := segments(r.Path), segments(path)
	for i, w := range want {
		if isVariable(w) && strings.HasSuffix(w, "+}") {
			return len(got) > i // a greedy variable takes one or more segments
		}
		if i >= len(got) || !isVariable(w) && w != got[i] || got[i] == "" {
			return false
		}
	}
	return len(got) == len(want)
}

// Parameters returns the values API Gateway gives r's path variables for a
// path r matches, as an event's pathParameters: a {name} variable takes one
// segment, a final greedy {name+} the rest of the path (its name without
// the "+"). It returns nil for a route without variables.
func (r Route) Parameters(path string) map[string]string {
	var params map[string]string
	got := segments(path)
	for i, w := range segments(r.Path) {
		if !isVariable(w) || i >= len(got) {
			continue
		}
		if params == nil {
			params = map[string]string{}
		}
		name := strings.Trim(w, "{}")
		if greedy, ok := strings.CutSuffix(name, "+"); ok {
			params[greedy] = strings.Join(got[i:], "/")
			break
		}
		params[name] = got[i]
	}
	return params
}

// specificity orders the routes matching one request the way API Gateway
// picks among them: a route without a greedy variable first, then the one
// with more literal segments, then a named method over ANY.
func (r Route) specificity() int {
	s := 0
	for _, w := range segments(r.Path) {
		if !isVariable(w) {
			s += 10
		} else if !strings.HasSuffix(w, "+}") {
			s += 1
		} else {
			s -= 1000
		}
	}
	if r.Method != "ANY" {
		s += 5
	}
	return s
}

// Serving returns the route API Gateway chooses for method and path: the
// most specific of those matching. It is an error if none matches or if
// two match equally, which API Gateway would refuse to deploy or resolve
// arbitrarily.
func (t *Template) Serving(method, path string) (Route, error) {
	var best []Route
	for _, r := range t.Routes {
		if !r.Matches(method, path) {
			continue
		}
		switch {
		case len(best) == 0 || r.specificity() > best[0].specificity():
			best = []Route{r}
		case r.specificity() == best[0].specificity():
			best = append(best, r)
		}
	}
	switch len(best) {
	case 0:
		return Route{}, fmt.Errorf("no route of the template serves %s %s", method, path)
	case 1:
		return best[0], nil
	}
	return Route{}, fmt.Errorf("routes %v serve %s %s equally", best, method, path)
}

func segments(path string) []string { return strings.Split(strings.TrimPrefix(path, "/"), "/") }

func isVariable(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }
