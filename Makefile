# Passerelle — run `make help` for the targets.

SHELL        := /usr/bin/env bash
BIN          := bin/passerelle
GO           ?= go
AXE_VERSION  := 4.14.1
TOOLS_DIR    := .cache/tools
export PASSERELLE_AXE_JS ?= $(CURDIR)/$(TOOLS_DIR)/node_modules/axe-core/axe.min.js

# The tests use PostgreSQL when PASSERELLE_TEST_DATABASE_URL is set; when it is
# not and a server answers on 127.0.0.1:5432 (as on the team's machines), use it.
ifeq ($(origin PASSERELLE_TEST_DATABASE_URL),undefined)
LOCAL_PG := $(shell (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && echo postgres://postgres@127.0.0.1:5432/test?sslmode=disable)
ifneq ($(LOCAL_PG),)
export PASSERELLE_TEST_DATABASE_URL := $(LOCAL_PG)
endif
endif

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## build bin/passerelle
	$(GO) build -trimpath -o $(BIN) ./cmd/passerelle

.PHONY: run
run: build ## build and start on embedded SQLite with demo data in ./data (honours PASSERELLE_ADDR, PASSERELLE_DATA_DIR)
	./$(BIN) serve --demo

.PHONY: tools
tools: ## install what the tests need: Chromium and xmllint (apt), axe-core (npm)
	@scripts/install-test-tools $(TOOLS_DIR) $(AXE_VERSION)

.PHONY: test
test: tools ## run the whole suite with -race, on SQLite and (when reachable) PostgreSQL
	@if [ -z "$$PASSERELLE_TEST_DATABASE_URL" ]; then echo "*** PASSERELLE_TEST_DATABASE_URL is not set and no local PostgreSQL answers: PostgreSQL tests will be SKIPPED ***"; fi
	$(GO) test -race -count=1 -timeout 25m ./...

.PHONY: test-short
test-short: ## run the suite without the browser and end-to-end tests
	$(GO) test -short -count=1 ./...

BENCH_PRACTICES ?= 100000

.PHONY: bench
bench: build ## seed 100,000 practices into temporary SQLite and PostgreSQL databases and time the public lists over HTTP (never part of test)
	$(GO) build -trimpath -o bin/passerelle-bench ./cmd/passerelle-bench
	@if [ -z "$$PASSERELLE_TEST_DATABASE_URL" ]; then echo "*** no PostgreSQL server (PASSERELLE_TEST_DATABASE_URL): the PostgreSQL half of the benchmark will be SKIPPED ***"; fi
	./bin/passerelle-bench --binary $(BIN) --practices $(BENCH_PRACTICES)
	$(MAKE) --no-print-directory bench-review
	$(MAKE) --no-print-directory bench-authz
	$(MAKE) --no-print-directory bench-notify
	$(MAKE) --no-print-directory bench-markdown
	$(MAKE) --no-print-directory bench-memory

.PHONY: bench-startup
bench-startup: build ## start the server 5 times on 100,000 practices (BENCH_PRACTICES; BENCH_REUSE keeps the seeded databases) to the first public page and list (goal ≤ 1 s), SQLite and PostgreSQL
	$(GO) build -trimpath -o bin/passerelle-bench ./cmd/passerelle-bench
	./bin/passerelle-bench --binary $(BIN) --practices $(BENCH_PRACTICES) --starts 5 $(if $(BENCH_REUSE),--reuse $(BENCH_REUSE))

.PHONY: bench-memory
bench-memory: build ## idle memory (VmRSS) of serve --demo once it has served the public pages (goal ≤ 60 MB)
	$(GO) build -trimpath -o bin/passerelle-bench ./cmd/passerelle-bench
	./bin/passerelle-bench --binary $(BIN) --memory

.PHONY: faults
faults: build ## fault suite: stalled PostgreSQL network, SIGKILL during e-mail bursts, full SQLite disk, bad settings, throughput; prints figures (root, ~10 min; FAULTS=stall,kill to choose; not in test or CI)
	$(GO) build -trimpath -o bin/passerelle-faults ./cmd/passerelle-faults
	./bin/passerelle-faults --binary $(BIN) $(if $(FAULTS),--only $(FAULTS))

.PHONY: bench-markdown
bench-markdown: ## time the most expensive Markdown bodies the budget accepts (goal ≤ 50 ms each on one core) and the refused ones shown as text
	$(GO) test -run='^$$' -bench='^BenchmarkRender(WorstAccepted|Refused)$$' -cpu=1 ./internal/markdown/

.PHONY: bench-notify
bench-notify: ## time a publication to 10,000 instant subscribers (≤ 10 s PostgreSQL, ≤ 30 s SQLite) and River's pick-up latency p50/p95
	$(GO) test -run='^$$' -bench=PublishTo10000Subscribers -benchtime=2x -timeout 30m ./internal/jobs/
	$(GO) test -run='^$$' -bench=RiverPickup -benchtime=100x -timeout 10m ./internal/jobs/

.PHONY: bench-authz
bench-authz: ## time one authorization check with 10,000 users and 2,000 territories (p50/p99 in ns; goal p99 ≤ 100 µs), indexed and through Casbin alone
	$(GO) test -run='^$$' -bench='^BenchmarkCan(Throughput)?$$' -benchtime=200000x ./internal/authz/
	$(GO) test -run='^$$' -bench='^BenchmarkCanCasbin$$' -benchtime=2000x ./internal/authz/

.PHONY: bench-review
bench-review: ## time a moderator's decision and an author's edit among 100,000 practices (BENCH_PRACTICES), on SQLite and PostgreSQL (p50/p95 in ms)
	PASSERELLE_BENCH_PRACTICES=$(BENCH_PRACTICES) $(GO) test -run='^$$' -bench=ReviewAtScale -benchtime=300x -timeout 30m ./internal/service/

# The fuzz targets (package:function). Their seed corpora run as ordinary
# tests in every go test; make fuzz runs each for FUZZTIME.
FUZZTIME     ?= 30s
FUZZ_TARGETS := ./internal/web:FuzzDecodeJSON ./internal/web:FuzzParseForm ./internal/web:FuzzQueryString \
	./internal/web:FuzzSafeNext ./internal/search:FuzzParse ./internal/markdown:FuzzRender \
	./internal/passerelle:FuzzParseTerritoryCSV ./internal/opendata/oai:FuzzParse ./internal/opendata/oai:FuzzDecodeToken

.PHONY: fuzz
fuzz: ## run each fuzz target (JSON and form decoders, query strings, next=, search queries, Markdown, territory CSV, OAI-PMH) for FUZZTIME (30s); a crasher is saved under the package's testdata/fuzz and then runs in every go test
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$fn in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=$(FUZZTIME) $(if $(FUZZPROCS),-parallel=$(FUZZPROCS)) $$pkg; \
	done

.PHONY: burst
burst: build ## send 200 wrong passwords at once to the real binary: checks made, 429s, the server's peak memory, the owner's wait (BURST_DATABASE_URL: on PostgreSQL)
	$(GO) build -trimpath -o bin/passerelle-burst ./cmd/passerelle-burst
	scripts/login-burst $(BIN) bin/passerelle-burst 200

GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT         := $(TOOLS_DIR)/golangci-lint-$(GOLANGCI_LINT_VERSION)

# golangci-lint, pinned, built with the project's Go into .cache/tools (the
# version is in the file name, so that changing the pin rebuilds it).
$(GOLANGCI_LINT):
	@mkdir -p $(TOOLS_DIR)
	GOBIN=$(CURDIR)/$(TOOLS_DIR) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	mv $(TOOLS_DIR)/golangci-lint $@

.PHONY: lint
lint: $(GOLANGCI_LINT) ## go vet, gofmt and golangci-lint (pinned, installed into .cache/tools; see .golangci.yml)
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GOLANGCI_LINT) run ./...

.PHONY: clean
clean: ## remove build outputs and test artifacts (not ./data)
	rm -rf bin .cache/artifacts
