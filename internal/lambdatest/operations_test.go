package lambdatest_test

import (
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/scim-bridge/scim-bridge/internal/emf"
	"github.com/scim-bridge/scim-bridge/internal/httpapi"
)

// TestTemplateKeepsSecretAndKeyOnDelete checks that deleting or replacing
// the stack keeps the token secret (Entra would lose its credentials) and
// the key that encrypts notifications.
func TestTemplateKeepsSecretAndKeyOnDelete(t *testing.T) {
	s := readSAM(t)
	for _, id := range slices.Concat(s.resources("AWS::SecretsManager::Secret"), s.resources("AWS::KMS::Key")) {
		for _, policy := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
			if v := node(s.root, "Resources."+id+"."+policy); v == nil || v.Value != "Retain" {
				t.Errorf("%s: %s is not Retain", id, policy)
			}
		}
	}
}

// TestTemplateKeyGrantsServicesOnlyForTheAccount checks that every
// statement of a key policy that grants a service is conditioned on
// aws:SourceAccount, so the service cannot use the key for another
// account's resources (the confused deputy).
func TestTemplateKeyGrantsServicesOnlyForTheAccount(t *testing.T) {
	s := readSAM(t)
	for _, id := range s.resources("AWS::KMS::Key") {
		for _, st := range items(node(s.properties(id), "KeyPolicy.Statement")) {
			if node(st, "Principal.Service") == nil {
				continue
			}
			cond := node(st, "Condition.StringEquals.aws:SourceAccount")
			if cond == nil || cond.Tag != "!Ref" || cond.Value != "AWS::AccountId" {
				t.Errorf("key %s, statement %s: grants a service without aws:SourceAccount = !Ref AWS::AccountId",
					id, node(st, "Sid").Value)
			}
		}
	}
}

// TestTemplateReconcilerRunsOnceAtATime checks the scheduled function's
// settings: one run at a time, no retry of a whole run, failures told to
// the notification topic, and an alarm when it stops running.
func TestTemplateReconcilerRunsOnceAtATime(t *testing.T) {
	s := readSAM(t)
	p := s.properties("ReconcilerFunction")
	if v := node(p, "ReservedConcurrentExecutions"); v == nil || v.Value != "1" {
		t.Error("ReconcilerFunction: ReservedConcurrentExecutions is not 1: two runs could overlap")
	}
	if v := node(p, "EventInvokeConfig.MaximumRetryAttempts"); v == nil || v.Value != "0" {
		t.Error("ReconcilerFunction: EventInvokeConfig.MaximumRetryAttempts is not 0: a failed run would be repeated")
	}
	if v := node(p, "EventInvokeConfig.DestinationConfig.OnFailure.Destination"); v == nil || v.Tag != "!Ref" || v.Value != "NotificationTopic" {
		t.Error("ReconcilerFunction: no on-failure destination to NotificationTopic")
	}
	found := false
	for _, id := range s.resources("AWS::CloudWatch::Alarm") {
		a := s.properties(id)
		if m := node(a, "MetricName"); m == nil || m.Value != "Invocations" || !dimensionRefs(a, "ReconcilerFunction") {
			continue
		}
		found = true
		if v := node(a, "TreatMissingData"); v == nil || v.Value != "breaching" {
			t.Errorf("%s: missing data is not breaching: a reconciler that never runs would never alarm", id)
		}
	}
	if !found {
		t.Error("no alarm on the reconciler's Invocations")
	}
}

// TestTemplateAlarmsWatchTheStacksResources checks that every alarm tells
// the topic and watches this stack's resources by dimension, never an
// account-wide metric, and that each function has its errors, duration and
// throttles alarmed, the API its 4xx and 5xx, and the table its throttles.
func TestTemplateAlarmsWatchTheStacksResources(t *testing.T) {
	s := readSAM(t)
	watched := map[string][]string{} // resource: metric names
	for _, id := range s.resources("AWS::CloudWatch::Alarm") {
		a := s.properties(id)
		if v := node(a, "AlarmActions"); v == nil || len(items(v)) == 0 {
			t.Errorf("%s: no AlarmActions", id)
		}
		metrics := []*yaml.Node{a}
		if m := node(a, "Metrics"); m != nil {
			metrics = nil
			for _, q := range items(m) {
				if ms := node(q, "MetricStat.Metric"); ms != nil {
					metrics = append(metrics, ms)
				}
			}
		}
		for _, m := range metrics {
			dims := items(node(m, "Dimensions"))
			if len(dims) == 0 {
				t.Errorf("%s: a metric has no dimensions: it watches the whole account", id)
			}
			name := node(m, "MetricName")
			for _, d := range dims {
				if v := node(d, "Value"); v != nil && v.Tag == "!Ref" && name != nil {
					watched[v.Value] = append(watched[v.Value], name.Value)
				}
			}
		}
	}
	want := map[string][]string{"HttpApi": {"4xx", "5xx"}, "Table": {"ReadThrottleEvents", "WriteThrottleEvents"}}
	for _, fn := range s.resources("AWS::Serverless::Function") {
		want[fn] = []string{"Errors", "Duration", "Throttles"}
	}
	for res, metrics := range want {
		for _, m := range metrics {
			if !slices.Contains(watched[res], m) {
				t.Errorf("no alarm on %s of %s", m, res)
			}
		}
	}
}

// TestTemplateAlarmsOnRejectedTokens checks the alarm that tells a wrong
// Secret Token in Entra: the RejectedToken metric the handler writes, in the
// namespace and by the dimension its EMF lines carry, summed over every
// function behind the API, at 10 in 5 minutes, telling the topic when it
// fires and when it ends, and saying what to do. The handler writes nothing
// for a 401 (docs/security.md), so nothing else would tell.
func TestTemplateAlarmsOnRejectedTokens(t *testing.T) {
	s := readSAM(t)
	var httpFunctions []string
	for _, fn := range s.resources("AWS::Serverless::Function") {
		events := node(s.properties(fn), "Events")
		for i := 1; events != nil && i < len(events.Content); i += 2 {
			if v := node(events.Content[i], "Type"); v != nil && v.Value == "HttpApi" && !slices.Contains(httpFunctions, fn) {
				httpFunctions = append(httpFunctions, fn)
			}
		}
	}
	if len(httpFunctions) == 0 {
		t.Fatal("no function behind the HTTP API")
	}
	found := false
	for _, id := range s.resources("AWS::CloudWatch::Alarm") {
		a := s.properties(id)
		var ids, watched []string
		expression := ""
		for _, q := range items(node(a, "Metrics")) {
			if e := node(q, "Expression"); e != nil {
				expression = e.Value
			}
			m := node(q, "MetricStat.Metric")
			if name := node(m, "MetricName"); name == nil || name.Value != httpapi.RejectedTokenMetric {
				continue
			}
			ids = append(ids, node(q, "Id").Value)
			if ns := node(m, "Namespace"); ns == nil || ns.Value != emf.Namespace {
				t.Errorf("%s: %s in namespace %v, want %s", id, httpapi.RejectedTokenMetric, ns, emf.Namespace)
			}
			for _, d := range items(node(m, "Dimensions")) {
				if n, v := node(d, "Name"), node(d, "Value"); n != nil && n.Value == "Function" && v != nil && v.Tag == "!Ref" {
					watched = append(watched, v.Value)
				}
			}
			if p, st := node(q, "MetricStat.Period"), node(q, "MetricStat.Stat"); p == nil || p.Value != "900" || st == nil || st.Value != "Sum" {
				t.Errorf("%s: %s is not summed over 15 minutes", id, node(q, "Id").Value)
			}
		}
		if len(ids) == 0 {
			continue
		}
		found = true
		slices.Sort(watched)
		if !slices.Equal(watched, httpFunctions) {
			t.Errorf("%s: watches RejectedToken of %v, want of every function behind the API %v", id, watched, httpFunctions)
		}
		for _, q := range ids {
			if !strings.Contains(expression, q) {
				t.Errorf("%s: expression %q leaves out %s", id, expression, q)
			}
		}
		for path, want := range map[string]string{
			"Threshold": "3", "EvaluationPeriods": "1", "ComparisonOperator": "GreaterThanOrEqualToThreshold",
			"TreatMissingData": "notBreaching",
		} {
			if v := node(a, path); v == nil || v.Value != want {
				t.Errorf("%s: %s is %v, want %s", id, path, v, want)
			}
		}
		if v := items(node(a, "AlarmActions")); len(v) != 1 || v[0].Tag != "!Ref" || v[0].Value != "NotificationTopic" {
			t.Errorf("%s: AlarmActions do not tell NotificationTopic", id)
		}
		// The 401s stop when Entra quarantines the job, not when the
		// token is fixed: an OK message would read as "fixed".
		if node(a, "OKActions") != nil {
			t.Errorf("%s: has OKActions", id)
		}
		if d := node(a, "AlarmDescription"); d == nil || !strings.Contains(d.Value, "Secret Token") || !strings.Contains(d.Value, "${TokenSecret}") {
			t.Errorf("%s: the description does not say how to paste the current Secret Token into Entra", id)
		}
	}
	if !found {
		t.Errorf("no alarm on %s/%s", emf.Namespace, httpapi.RejectedTokenMetric)
	}
	if d := node(s.properties("Dashboard"), "DashboardBody"); d == nil || !strings.Contains(d.Value, `"`+httpapi.RejectedTokenMetric+`"`) {
		t.Errorf("the dashboard does not show %s", httpapi.RejectedTokenMetric)
	}
}

// TestTemplateSaysWhyTheAPIHasNoAuthorizer checks that every route's event
// states its authorization (none at API Gateway: the functions check the
// Secret Token), which is also what lets `sam deploy --guided` go through
// without asking, for each route, whether no authentication is okay. The
// check is SAM CLI's own (samcli/commands/deploy/auth_utils.py in
// https://github.com/aws/aws-sam-cli): an HttpApi event passes if it has an
// Auth, or if its ApiId names an API whose properties have one; an event on
// the implicit API, or on an API without Auth, makes the prompt ask.
func TestTemplateSaysWhyTheAPIHasNoAuthorizer(t *testing.T) {
	s := readSAM(t)
	for _, fn := range s.resources("AWS::Serverless::Function") {
		events := node(s.properties(fn), "Events")
		for i := 0; events != nil && i+1 < len(events.Content); i += 2 {
			name, event := events.Content[i].Value, events.Content[i+1]
			if v := node(event, "Type"); v == nil || v.Value != "HttpApi" {
				continue
			}
			if a := node(event, "Properties.Auth"); a != nil && len(a.Content) > 0 {
				continue
			}
			api := node(event, "Properties.ApiId")
			if api == nil || api.Tag != "!Ref" {
				t.Errorf("%s.%s: on the implicit API, which has no Auth: sam deploy --guided asks about it", fn, name)
				continue
			}
			if a := node(s.properties(api.Value), "Auth"); a == nil || len(a.Content) == 0 {
				t.Errorf("%s.%s: API %s has no Auth: sam deploy --guided asks about it", fn, name, api.Value)
			}
		}
	}
}

// dimensionRefs reports whether the alarm's dimensions refer to id.
func dimensionRefs(alarm *yaml.Node, id string) bool {
	for _, d := range items(node(alarm, "Dimensions")) {
		if v := node(d, "Value"); v != nil && v.Tag == "!Ref" && v.Value == id {
			return true
		}
	}
	return false
}
