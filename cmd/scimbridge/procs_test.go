package main

import "testing"

func TestServeProcsPrefersTheFlagThenTheEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		flag    int
		flagSet bool
		env     string
		want    int
	}{
		{name: "default is one", flag: 1, want: 1},
		{name: "GOMAXPROCS in the environment is kept", flag: 1, env: "4", want: 0},
		{name: "the flag wins over the environment", flag: 2, flagSet: true, env: "4", want: 2},
		{name: "zero leaves the runtime's default", flag: 0, flagSet: true, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := serveProcs(tt.flag, tt.flagSet, tt.env); got != tt.want {
				t.Errorf("serveProcs(%d, %v, %q) = %d, want %d", tt.flag, tt.flagSet, tt.env, got, tt.want)
			}
		})
	}
}
