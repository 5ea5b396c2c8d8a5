package lambdatest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// samTemplate is template.yaml as YAML nodes, so that CloudFormation's tags
// (!Ref, !GetAtt, !Sub) stay visible to the checks.
type samTemplate struct {
	root *yaml.Node
}

func readSAM(t testing.TB) *samTemplate { return readCloudFormation(t, "template.yaml") }

// readCloudFormation reads the template at path, relative to the module's
// root, as YAML nodes.
func readCloudFormation(t testing.TB, path string) *samTemplate {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), path))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &samTemplate{root: doc.Content[0]}
}

// node returns the value of key in mapping node n, or nil; keys may be
// dotted paths through nested mappings.
func node(n *yaml.Node, path string) *yaml.Node {
	for _, key := range strings.Split(path, ".") {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// items returns the elements of a sequence node, or n itself for a scalar
// or mapping (CloudFormation accepts a single value for a list).
func items(n *yaml.Node) []*yaml.Node {
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		return n.Content
	}
	return []*yaml.Node{n}
}

// resources returns the logical ids of the resources of type typ, sorted.
func (s *samTemplate) resources(typ string) []string {
	var ids []string
	res := node(s.root, "Resources")
	for i := 0; i+1 < len(res.Content); i += 2 {
		if v := node(res.Content[i+1], "Type"); v != nil && v.Value == typ {
			ids = append(ids, res.Content[i].Value)
		}
	}
	slices.Sort(ids)
	return ids
}

func (s *samTemplate) properties(id string) *yaml.Node {
	return node(s.root, "Resources."+id+".Properties")
}

// truthy reports whether n is a YAML true.
func truthy(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && strings.EqualFold(n.Value, "true")
}

func TestTemplateTableIsProtected(t *testing.T) {
	s := readSAM(t)
	for _, id := range s.resources("AWS::DynamoDB::Table") {
		p := s.properties(id)
		for _, check := range []struct{ what, path string }{
			{"point-in-time recovery", "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"},
			{"deletion protection", "DeletionProtectionEnabled"},
			{"encryption at rest", "SSESpecification.SSEEnabled"},
		} {
			if !truthy(node(p, check.path)) {
				t.Errorf("table %s: no %s (%s: true)", id, check.what, check.path)
			}
		}
		if v := node(s.root, "Resources."+id+".DeletionPolicy"); v == nil || v.Value != "Retain" {
			t.Errorf("table %s: DeletionPolicy is not Retain: deleting the stack would delete the directory", id)
		}
	}
}

// TestTemplateKeepsTheSecretOutOfTheEnvironment checks that functions get
// the token secret by reference (its ARN, which they read at run time with
// GetSecretValue), never its value: environment variables show in the
// console, in GetFunctionConfiguration and in every deployment's history.
func TestTemplateKeepsTheSecretOutOfTheEnvironment(t *testing.T) {
	s := readSAM(t)
	secrets := s.resources("AWS::SecretsManager::Secret")
	envs := map[string]*yaml.Node{"Globals": node(s.root, "Globals.Function.Environment.Variables")}
	for _, fn := range s.resources("AWS::Serverless::Function") {
		envs[fn] = node(s.properties(fn), "Environment.Variables")
	}
	for where, vars := range envs {
		if vars == nil {
			continue
		}
		for i := 0; i+1 < len(vars.Content); i += 2 {
			name, value := vars.Content[i].Value, vars.Content[i+1]
			ref, refersTo := reference(value)
			switch {
			case strings.Contains(value.Value, "resolve:secretsmanager") || strings.Contains(value.Value, "resolve:ssm-secure"):
				t.Errorf("%s: %s resolves a secret's value into the environment", where, name)
			case slices.Contains(secrets, refersTo) && ref != "Ref":
				t.Errorf("%s: %s is %s of secret %s, not its ARN (!Ref)", where, name, ref, refersTo)
			case strings.Contains(name, "TOKEN") && !(ref == "Ref" && slices.Contains(secrets, refersTo)):
				t.Errorf("%s: %s is not a !Ref of the token secret", where, name)
			}
		}
	}
	for _, id := range secrets {
		n := node(s.properties(id), "GenerateSecretString.PasswordLength")
		if length, err := strconv.Atoi(n.Value); err != nil || length < 32 {
			t.Errorf("secret %s: generated with %v characters, want at least 32", id, n.Value)
		}
		if node(s.properties(id), "SecretString") != nil {
			t.Errorf("secret %s: its value is written in the template", id)
		}
	}
}

// reference returns the intrinsic function of a !Ref or !GetAtt node (short
// or long form) and the logical id it names.
func reference(n *yaml.Node) (fn, id string) {
	switch {
	case n.Tag == "!Ref":
		return "Ref", n.Value
	case n.Tag == "!GetAtt" && n.Kind == yaml.ScalarNode:
		id, _, _ = strings.Cut(n.Value, ".")
		return "GetAtt", id
	case n.Tag == "!GetAtt" && len(n.Content) > 0:
		return "GetAtt", n.Content[0].Value
	case node(n, "Ref") != nil:
		return "Ref", node(n, "Ref").Value
	case node(n, "Fn::GetAtt") != nil:
		if v := node(n, "Fn::GetAtt"); v.Kind == yaml.SequenceNode && len(v.Content) > 0 {
			return "GetAtt", v.Content[0].Value
		}
	}
	return "", ""
}

// TestTemplateThrottlesTheAPI checks that the HTTP API limits its request
// rate: a leaked token or a looping client is held to a known rate, which
// also bounds what DynamoDB on demand can bill.
func TestTemplateThrottlesTheAPI(t *testing.T) {
	s := readSAM(t)
	apis := s.resources("AWS::Serverless::HttpApi")
	if len(apis) == 0 {
		t.Fatal("no AWS::Serverless::HttpApi")
	}
	for _, api := range apis {
		for _, setting := range []string{"ThrottlingRateLimit", "ThrottlingBurstLimit"} {
			n := node(s.properties(api), "DefaultRouteSettings."+setting)
			if n == nil {
				t.Errorf("API %s: no DefaultRouteSettings.%s", api, setting)
				continue
			}
			value := n.Value
			if n.Tag == "!Ref" {
				value = node(s.root, "Parameters."+n.Value+".Default").Value
			}
			if limit, err := strconv.ParseFloat(value, 64); err != nil || limit <= 0 {
				t.Errorf("API %s: %s is %q, want a positive number", api, setting, value)
			}
		}
	}
}
