package reconciler_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/scim-bridge/scim-bridge/internal/awsapp/reconciler"
)

func TestReadReconcilerEnv(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    reconciler.Settings
		wantErr []string
	}{
		{
			name: "all set",
			env: map[string]string{"TABLE_NAME": "t", "TOPIC_ARN": "arn:topic", "TOKEN_SECRET_ARN": "arn:secret",
				"PURGE_DISABLED_AFTER_DAYS": "90", "RECONCILE_MAX_ITEMS": "5000", "LOG_LEVEL": "DEBUG",
				"ROTATION_OVERLAP_DAYS": "3", "AWS_LAMBDA_FUNCTION_NAME": "stack-ReconcilerFunction-1"},
			want: reconciler.Settings{Table: "t", Topic: "arn:topic", TokenSecret: "arn:secret",
				PurgeDisabledAfterDays: 90, MaxItems: 5000, PreviousTokenDays: 3, LogLevel: "DEBUG",
				Function: "stack-ReconcilerFunction-1"},
		},
		{name: "only the table", env: map[string]string{"TABLE_NAME": "t"}, want: reconciler.Settings{Table: "t"}},
		{
			name:    "every problem named",
			env:     map[string]string{"PURGE_DISABLED_AFTER_DAYS": "-1", "RECONCILE_MAX_ITEMS": "lots"},
			wantErr: []string{"TABLE_NAME", "PURGE_DISABLED_AFTER_DAYS", "RECONCILE_MAX_ITEMS"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := reconciler.ReadEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != nil {
				for _, w := range tc.wantErr {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Errorf("got error %v, want one naming %s", err, w)
					}
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
