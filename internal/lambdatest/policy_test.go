package lambdatest_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// grants maps each IAM action a policy allows to the resources it allows
// it on, named as resourceName does.
type grants map[string][]string

func (g grants) add(action, resource string) {
	if !slices.Contains(g[action], resource) {
		g[action] = append(g[action], resource)
		slices.Sort(g[action])
	}
}

// policies returns what each function's inline policy statements grant,
// and a problem for each statement that is not an Allow of named actions on
// exact resources of this template and each policy that is not an inline
// statement list (a SAM policy template or a managed policy, which grant
// more than a function uses).
func (s *samTemplate) policies() (map[string]grants, []string) {
	var problems []string
	errorf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	out := map[string]grants{}
	for _, fn := range s.resources("AWS::Serverless::Function") {
		g := grants{}
		out[fn] = g
		for _, policy := range items(node(s.properties(fn), "Policies")) {
			statements := node(policy, "Statement")
			if statements == nil {
				errorf("%s: policy %s is not an inline Statement list", fn, describe(policy))
				continue
			}
			for _, st := range items(statements) {
				where := fmt.Sprintf("%s statement %s", fn, describe(node(st, "Sid")))
				if e := node(st, "Effect"); e == nil || e.Value != "Allow" || node(st, "NotAction") != nil || node(st, "NotResource") != nil {
					errorf("%s: want Effect Allow with Action and Resource", where)
				}
				var resources []string
				for _, r := range items(node(st, "Resource")) {
					name, err := s.resourceName(r)
					if err != nil {
						errorf("%s: resource %s: %v", where, describe(r), err)
						continue
					}
					resources = append(resources, name)
				}
				for _, a := range items(node(st, "Action")) {
					if strings.Contains(a.Value, "*") || a.Kind != yaml.ScalarNode {
						errorf("%s: action %s is a wildcard", where, describe(a))
						continue
					}
					for _, r := range resources {
						g.add(a.Value, r)
					}
				}
			}
		}
	}
	return out, problems
}

// indexARN is a !Sub of a table's index ARN.
var indexARN = regexp.MustCompile(`^\$\{(\w+)\.Arn\}/index/([\w.-]+)$`)

// resourceName names the exact resource a policy's Resource entry is:
// "Table" for a table's ARN (!GetAtt Table.Arn; a KMS key's, an event
// bus's or a queue's likewise), "Table/index/list" for one of its indexes,
// "Table/stream" for its stream (!GetAtt Table.StreamArn), "TokenSecret"
// or "NotificationTopic" for the ARN of a secret or topic (!Ref). Anything
// else — a literal ARN, a wildcard, an ARN of no resource of this
// template — is an error.
func (s *samTemplate) resourceName(n *yaml.Node) (string, error) {
	exists := func(id string, types ...string) error {
		typ := node(s.root, "Resources."+id+".Type")
		if typ == nil || !slices.Contains(types, typ.Value) {
			return fmt.Errorf("%s is not a %s of this template", id, strings.Join(types, " or "))
		}
		return nil
	}
	fn, id := reference(n)
	attribute := func(name string) bool {
		return fn == "GetAtt" && (n.Value == id+"."+name || len(n.Content) == 2 && n.Content[1].Value == name)
	}
	switch {
	case attribute("Arn"):
		return id, exists(id, "AWS::DynamoDB::Table", "AWS::KMS::Key", "AWS::Events::EventBus", "AWS::SQS::Queue")
	case attribute("StreamArn"):
		return id + "/stream", exists(id, "AWS::DynamoDB::Table")
	case fn == "Ref":
		return id, exists(id, "AWS::SecretsManager::Secret", "AWS::SNS::Topic")
	case n.Tag == "!Sub" && indexARN.MatchString(n.Value):
		m := indexARN.FindStringSubmatch(n.Value)
		if err := exists(m[1], "AWS::DynamoDB::Table"); err != nil {
			return "", err
		}
		for _, idx := range items(node(s.properties(m[1]), "GlobalSecondaryIndexes")) {
			if node(idx, "IndexName").Value == m[2] {
				return m[1] + "/index/" + m[2], nil
			}
		}
		return "", fmt.Errorf("table %s has no index %s", m[1], m[2])
	}
	return "", fmt.Errorf("not the exact ARN of a table, index, stream, secret, topic, key, bus or queue of this template")
}

// describe renders a node for messages.
func describe(n *yaml.Node) string {
	if n == nil {
		return "(none)"
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return n.Value
	}
	return strings.TrimSpace(string(b))
}

// TestTemplatePoliciesAreLeastPrivilege checks every function's policy:
// named actions on exact resources of the template only; and for each
// function that serves HTTP routes or the table's stream, exactly the
// actions and resources it uses — measured by running the functions as
// their mains wire them over the emulator (see usage), plus what a stream
// function's event source mapping does with its role — so that the policy
// neither lacks what a request needs (it would fail in AWS) nor grants
// what none does.
func TestTemplatePoliciesAreLeastPrivilege(t *testing.T) {
	s := readSAM(t)
	granted, problems := s.policies()
	for _, p := range problems {
		t.Error(p)
	}
	used := measureUsage(t)
	maps.Copy(used, measureStreamUsage(t, s))
	for _, fn := range s.resources("AWS::Serverless::Function") {
		u, measured := used[fn]
		if !measured {
			t.Logf("%s is measured by none of the workloads; only its policy's form is checked", fn)
			continue
		}
		t.Logf("%s uses %v", fn, u)
		g := granted[fn]
		for action, resources := range u {
			for _, r := range resources {
				if !slices.Contains(g[action], r) {
					t.Errorf("%s uses %s on %s, which its policy does not allow", fn, action, r)
				}
			}
		}
		for action, resources := range g {
			if len(u[action]) == 0 {
				t.Errorf("%s's policy allows %s, which it never uses", fn, action)
				continue
			}
			for _, r := range resources {
				if !usedOn(u, r) {
					t.Errorf("%s's policy allows %s on %s, which it never touches", fn, action, r)
				}
			}
		}
	}
}

// usedOn reports whether any action of u touches resource r.
func usedOn(u grants, r string) bool {
	for _, rs := range u {
		if slices.Contains(rs, r) {
			return true
		}
	}
	return false
}

// TestPolicyCheckCatchesBroadPolicies feeds the policy check statements it
// must refuse, so that it is known to fail when the template goes wrong.
func TestPolicyCheckCatchesBroadPolicies(t *testing.T) {
	for _, tc := range []struct{ name, policy string }{
		{"any resource", "- Statement: [{Effect: Allow, Action: dynamodb:GetItem, Resource: '*'}]"},
		{"every DynamoDB action", "- Statement: [{Effect: Allow, Action: 'dynamodb:*', Resource: !GetAtt Table.Arn}]"},
		{"an action prefix", "- Statement: [{Effect: Allow, Action: 'dynamodb:Get*', Resource: !GetAtt Table.Arn}]"},
		{"a literal ARN", "- Statement: [{Effect: Allow, Action: dynamodb:GetItem, Resource: 'arn:aws:dynamodb:us-east-1:1:table/t'}]"},
		{"every index", "- Statement: [{Effect: Allow, Action: dynamodb:Query, Resource: !Sub '${Table.Arn}/index/*'}]"},
		{"an index that does not exist", "- Statement: [{Effect: Allow, Action: dynamodb:Query, Resource: !Sub '${Table.Arn}/index/nope'}]"},
		{"the ARN of a secret as a table", "- Statement: [{Effect: Allow, Action: dynamodb:GetItem, Resource: !GetAtt Secret.Arn}]"},
		{"a SAM policy template", "- DynamoDBCrudPolicy: {TableName: !Ref Table}"},
		{"a managed policy", "- AmazonDynamoDBFullAccess"},
		{"a Deny with NotAction", "- Statement: [{Effect: Deny, NotAction: dynamodb:GetItem, Resource: !GetAtt Table.Arn}]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "Resources:\n" +
				"  Table: {Type: AWS::DynamoDB::Table, Properties: {GlobalSecondaryIndexes: [{IndexName: list}]}}\n" +
				"  Secret: {Type: AWS::SecretsManager::Secret}\n" +
				"  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        " + tc.policy + "\n"
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
				t.Fatal(err)
			}
			if _, problems := (&samTemplate{root: doc.Content[0]}).policies(); len(problems) == 0 {
				t.Errorf("no problem found in %s", tc.policy)
			}
		})
	}
}
