package lambdatest_test

import (
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
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

// TestTemplateSaysWhyTheAPIHasNoAuthorizer checks that the HTTP API states
// its authorization (none at API Gateway: the functions check the Secret
// Token), which is also what lets `sam deploy --guided` go through
// without asking, for each route, whether no authentication is okay.
func TestTemplateSaysWhyTheAPIHasNoAuthorizer(t *testing.T) {
	s := readSAM(t)
	for _, api := range s.resources("AWS::Serverless::HttpApi") {
		if node(s.properties(api), "Auth") == nil {
			t.Errorf("%s: no Auth: sam deploy --guided stops on every route", api)
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
