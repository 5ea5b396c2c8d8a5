# scim-bridge: `make run` starts the bridge locally, `make test` runs every test
# (the long runs at small sizes), `make test-long` runs them at full size.

GO        ?= go
FUZZTIME  ?= 60s
ADDR      ?= 127.0.0.1:8080
DATA      ?= ./.scimbridge

# go test starts the packages' test runs in the order of its arguments, each
# only once every earlier package is built: the slowest come first, so that
# the others run beside them rather than after them.
SLOWEST   := ./internal/entra ./internal/dynamo ./internal/httpapi ./internal/lambdatest ./cmd/scimbridge

.PHONY: run test test-long build lint bench fuzz invoke build-UsersFunction build-GroupsFunction build-DiscoveryFunction build-ReconcilerFunction build-EventsFunction

## run: the bridge on the embedded store, token printed on first start
run:
	$(GO) run ./cmd/scimbridge serve --addr $(ADDR) --data $(DATA)

## test: every test, with the race detector (DynamoDB/Secrets Manager tests need moto_server);
## under -short the provisioning cycles and the large-group cases run at small sizes
test: lint
	cfn-lint template.yaml
	$(GO) test -race -short -count=1 -timeout 10m $(SLOWEST) ./...

## test-long: every test at full size: the 2,000-user provisioning cycles, the 300-user
## cycle under faults, groups of 2,500 members
test-long:
	$(GO) test -race -count=1 -timeout 30m $(SLOWEST) ./...

## build: compile everything
build:
	$(GO) build ./...
	$(GO) build -o bin/scimbridge ./cmd/scimbridge

## lint: gofmt, go vet and staticcheck (pinned in go.mod as a tool)
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

## bench: the performance report (handler benchmarks, DynamoDB requests, cold starts,
## scale curves, a load run), printed and written into docs/performance.md;
## BENCH_SCALE=full adds the 100,000-user scale case
bench:
	$(GO) run ./internal/bench/report -out docs/performance.md

## fuzz: every fuzz target (func FuzzXxx in any package), each for FUZZTIME
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for name in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
			$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## invoke: one event through one function, as `sam local invoke` does but without Docker
## (aws-lambda-rie, moto_server): make invoke FN=Users EVENT=events/users-test-connection.json
## Without FN, template.yaml's routes choose the function; a stream event goes to Events.
invoke:
	@test -n "$(EVENT)" || { echo "usage: make invoke FN=Users EVENT=events/users-test-connection.json"; exit 2; }
	$(GO) run ./internal/lambdatest/invoke $(if $(FN),-fn $(FN)) -event $(EVENT)

# Lambda builds, as `sam build` calls them (BuildMethod: makefile): one static,
# stripped linux/arm64 bootstrap per function for provided.al2023.
LAMBDA_GOFLAGS := -trimpath -tags lambda.norpc -ldflags="-s -w"
ARTIFACTS_DIR  ?= bin/lambda/$(FN)

build-UsersFunction:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build $(LAMBDA_GOFLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/users

build-GroupsFunction:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build $(LAMBDA_GOFLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/groups

build-DiscoveryFunction:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build $(LAMBDA_GOFLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/discovery

build-ReconcilerFunction:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build $(LAMBDA_GOFLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/reconciler

build-EventsFunction:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build $(LAMBDA_GOFLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/events
