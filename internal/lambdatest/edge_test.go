package lambdatest_test

import (
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The optional edge (template.yaml's Edge parameters, docs/edge-waf.yaml,
// docs/security.md "An edge in front").

// CloudFront's managed policies the edge must use: nothing cached, every
// viewer header (Authorization included) passed on but Host.
const (
	cachingDisabled           = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	allViewerExceptHostHeader = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

// edgeTypes are the resource types only the edge has.
var edgeTypes = []string{
	"AWS::CloudFront::Distribution",
	"AWS::ApiGatewayV2::DomainName",
	"AWS::ApiGatewayV2::ApiMapping",
	"AWS::WAFv2::WebACL",
	"AWS::WAFv2::IPSet",
}

// edgeOn is every Edge parameter given, as a deploy with the edge on has them.
var edgeOn = map[string]string{
	"EdgeEnabled":              "true",
	"EdgeWebAclArn":            "arn:aws:wafv2:us-east-1:123456789012:global/webacl/scim-bridge-edge/abc",
	"EdgeDomainName":           "scim.example.com",
	"EdgeCertificateArn":       "arn:aws:acm:us-east-1:123456789012:certificate/viewer",
	"EdgeOriginDomainName":     "origin-7f3k.example.com",
	"EdgeOriginCertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/origin",
}

// deployment is a template with parameter values, which decide its
// conditions as CloudFormation would.
type deployment struct {
	t      *testing.T
	s      *samTemplate
	params map[string]string
}

func deploy(t *testing.T, s *samTemplate, params map[string]string) *deployment {
	d := &deployment{t: t, s: s, params: map[string]string{}}
	ps := node(s.root, "Parameters")
	for i := 0; i+1 < len(ps.Content); i += 2 {
		if def := node(ps.Content[i+1], "Default"); def != nil {
			d.params[ps.Content[i].Value] = def.Value
		}
	}
	for k, v := range params {
		if _, ok := d.params[k]; !ok {
			t.Fatalf("no parameter %s", k)
		}
		d.params[k] = v
	}
	return d
}

// value evaluates the intrinsic functions conditions use, and !If; a !Ref
// of a resource is "ref:" and its logical id, a !Sub its text.
func (d *deployment) value(n *yaml.Node) string {
	d.t.Helper()
	args := n.Content
	switch n.Tag {
	case "!Ref":
		if v, ok := d.params[n.Value]; ok {
			return v
		}
		return "ref:" + n.Value
	case "!Equals":
		return boolString(d.value(args[0]) == d.value(args[1]))
	case "!Not":
		return boolString(d.value(args[0]) != "true")
	case "!And", "!Or":
		all, any := true, false
		for _, a := range args {
			v := d.value(a) == "true"
			all, any = all && v, any || v
		}
		return boolString(n.Tag == "!And" && all || n.Tag == "!Or" && any)
	case "!Condition":
		return boolString(d.condition(n.Value))
	case "!Join":
		// Only a join of a list parameter, which holds its items comma-separated.
		return strings.ReplaceAll(d.value(args[1]), ",", args[0].Value)
	case "!If":
		if d.condition(args[0].Value) {
			return d.value(args[1])
		}
		return d.value(args[2])
	case "!Sub", "", "!!str", "!!bool", "!!int":
		// A !Sub stays unsubstituted: the checks compare its text.
		return n.Value
	}
	d.t.Fatalf("line %d: cannot evaluate %s", n.Line, n.Tag)
	return ""
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func (d *deployment) condition(name string) bool {
	d.t.Helper()
	c := node(d.s.root, "Conditions."+name)
	if c == nil {
		d.t.Fatalf("no condition %s", name)
	}
	return d.value(c) == "true"
}

// resources returns the logical ids of the resources of type typ that
// the deployment creates: those without a condition or whose condition holds.
func (d *deployment) resources(typ string) []string {
	var ids []string
	for _, id := range d.s.resources(typ) {
		if c := node(d.s.root, "Resources."+id+".Condition"); c == nil || d.condition(c.Value) {
			ids = append(ids, id)
		}
	}
	return ids
}

// one returns the one resource of type typ the deployment creates.
func (d *deployment) one(typ string) *yaml.Node {
	d.t.Helper()
	ids := d.resources(typ)
	if len(ids) != 1 {
		d.t.Fatalf("%d resources of type %s, want 1", len(ids), typ)
	}
	return d.s.properties(ids[0])
}

// want checks that the property at path of resource properties p evaluates to want.
func (d *deployment) want(what string, p *yaml.Node, path, want string) {
	d.t.Helper()
	n := node(p, path)
	if n == nil {
		d.t.Errorf("%s: no %s, want %q", what, path, want)
		return
	}
	if got := d.value(n); got != want {
		d.t.Errorf("%s: %s is %q, want %q", what, path, got, want)
	}
}

func TestTemplateEdgeIsOffByDefault(t *testing.T) {
	d := deploy(t, readSAM(t), nil)
	for _, typ := range edgeTypes {
		if ids := d.resources(typ); len(ids) > 0 {
			t.Errorf("with the defaults the stack creates %s %v; the edge must be off by default", typ, ids)
		}
	}
	d.want("HttpApi", d.one("AWS::Serverless::HttpApi"), "DisableExecuteApiEndpoint", "false")
	d.want("outputs", node(d.s.root, "Outputs"), "TenantUrl.Value", "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/scim/v2")
}

func TestTemplateEdgeIsTheOnlyWayIn(t *testing.T) {
	d := deploy(t, readSAM(t), edgeOn)
	d.want("HttpApi", d.one("AWS::Serverless::HttpApi"), "DisableExecuteApiEndpoint", "true")

	dist := d.one("AWS::CloudFront::Distribution")
	cfg := node(dist, "DistributionConfig")
	d.want("distribution", cfg, "WebACLId", edgeOn["EdgeWebAclArn"])
	d.want("distribution", cfg, "ViewerCertificate.MinimumProtocolVersion", "TLSv1.2_2021")
	d.want("distribution", cfg, "ViewerCertificate.AcmCertificateArn", edgeOn["EdgeCertificateArn"])
	behaviour := node(cfg, "DefaultCacheBehavior")
	d.want("default behaviour", behaviour, "ViewerProtocolPolicy", "https-only")
	d.want("default behaviour", behaviour, "CachePolicyId", cachingDisabled)
	d.want("default behaviour", behaviour, "OriginRequestPolicyId", allViewerExceptHostHeader)
	var methods []string
	for _, m := range items(node(behaviour, "AllowedMethods")) {
		methods = append(methods, m.Value)
	}
	slices.Sort(methods)
	if want := []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}; !slices.Equal(methods, want) {
		t.Errorf("default behaviour: AllowedMethods %v, want %v (SCIM uses them all)", methods, want)
	}
	origins := items(node(cfg, "Origins"))
	if len(origins) != 1 {
		t.Fatalf("distribution: %d origins, want 1", len(origins))
	}
	d.want("origin", origins[0], "DomainName", edgeOn["EdgeOriginDomainName"])
	d.want("origin", origins[0], "CustomOriginConfig.OriginProtocolPolicy", "https-only")

	// CloudFront can't reach a disabled execute-api endpoint: the origin is
	// the API's custom domain, mapped without a key.
	d.want("origin domain", d.one("AWS::ApiGatewayV2::DomainName"), "DomainName", edgeOn["EdgeOriginDomainName"])
	mapping := d.one("AWS::ApiGatewayV2::ApiMapping")
	d.want("mapping", mapping, "ApiId", "ref:HttpApi")
	if key := node(mapping, "ApiMappingKey"); key != nil && key.Value != "" {
		t.Errorf("mapping: ApiMappingKey %q prefixes every path the functions see; want none", key.Value)
	}
	d.want("outputs", node(d.s.root, "Outputs"), "TenantUrl.Value", "https://${EdgeDomainName}/scim/v2")
}

// TestTemplateEdgeRefusesMissingParts checks that the template's Rules
// refuse EdgeEnabled without each part it needs, rather than deploying a
// distribution without a web ACL or an API nobody can reach.
func TestTemplateEdgeRefusesMissingParts(t *testing.T) {
	s := readSAM(t)
	rules := node(s.root, "Rules")
	if rules == nil {
		t.Fatal("no Rules")
	}
	for param := range edgeOn {
		if param == "EdgeEnabled" {
			continue
		}
		missing := map[string]string{}
		for k, v := range edgeOn {
			missing[k] = v
		}
		missing[param] = ""
		d := deploy(t, s, missing)
		refused := false
		for i := 1; i < len(rules.Content); i += 2 {
			rule := rules.Content[i]
			if c := node(rule, "RuleCondition"); c != nil && d.value(c) != "true" {
				continue
			}
			for _, a := range items(node(rule, "Assertions")) {
				refused = refused || d.value(node(a, "Assert")) != "true"
			}
		}
		if !refused {
			t.Errorf("EdgeEnabled without %s: no rule refuses it", param)
		}
	}
}

func TestEdgeWebACLRateLimitsAndLetsEntraThrough(t *testing.T) {
	s := readCloudFormation(t, "docs/edge-waf.yaml")
	for _, tc := range []struct {
		name          string
		allowed       string
		defaultAction string
	}{
		{"no allow-list", "", "Allow"},
		{"allow-list", "20.190.128.0/18,40.126.0.0/18", "Block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := deploy(t, s, map[string]string{"AllowedCidrs": tc.allowed})
			acl := d.one("AWS::WAFv2::WebACL")
			d.want("web ACL", acl, "Scope", "CLOUDFRONT")
			def := node(acl, "DefaultAction")
			if def.Tag == "!If" {
				def = def.Content[1+boolIndex(!d.condition(def.Content[0].Value))]
			}
			if node(def, tc.defaultAction) == nil {
				t.Errorf("web ACL: default action is not %s", tc.defaultAction)
			}
			var rate, allow bool
			for _, r := range items(node(acl, "Rules")) {
				if r.Tag == "!If" {
					if !d.condition(r.Content[0].Value) {
						continue
					}
					r = r.Content[1]
				}
				if rbs := node(r, "Statement.RateBasedStatement"); rbs != nil {
					rate = true
					d.want("rate rule", rbs, "AggregateKeyType", "IP")
					d.want("rate rule", r, "Action.Block.CustomResponse.ResponseCode", "429")
				}
				if node(r, "Statement.IPSetReferenceStatement") != nil && node(r, "Action.Allow") != nil {
					allow = true
				}
				// Entra's Test Connection sends no User-Agent (docs/entra.md
				// §1.2); AWS's common rule set blocks that.
				if node(r, "Statement.ManagedRuleGroupStatement") != nil {
					t.Errorf("rule %s uses a managed rule group, which may block requests without a User-Agent", node(r, "Name").Value)
				}
			}
			if !rate {
				t.Error("web ACL: no rate-based rule")
			}
			if allow != (tc.allowed != "") {
				t.Errorf("web ACL: rule allowing the listed ranges present %v, want %v", allow, tc.allowed != "")
			}
			if ids := d.resources("AWS::WAFv2::IPSet"); (len(ids) == 1) != (tc.allowed != "") {
				t.Errorf("IP sets %v with AllowedCidrs %q", ids, tc.allowed)
			}
		})
	}
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}
