# Vivier — the two commands of the README are `make run` and `make test`.
# Both install what is missing and start project-local services (.ci/services).

SHELL := /bin/bash
.DEFAULT_GOAL := help
GO ?= go
LOCAL := .local
BIN := $(LOCAL)/bin/vivier
LOAD_ENV := set -a && . $(LOCAL)/env && set +a
AXE_VERSION := 4.11.4
STATICCHECK_VERSION := v0.8.2
ERRCHECK_VERSION := v1.30.0
# The packages errcheck holds to no ignored error, tests included (what it
# lets go is in errcheck_excludes.txt, each with its reason).
ERRCHECK_PACKAGES := ./...

.PHONY: help run test stop services build lint bench dsfr browser clean image

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: services build ## start PostgreSQL, Redis and Mailpit, migrate, seed the demo, serve (ADDR, default 127.0.0.1:8080)
	@$(LOAD_ENV) && $(BIN) migrate up && $(BIN) seed --demo && exec $(BIN) dev

test: services browser lint ## the same services (separate databases), go vet, staticcheck, go test -race
	@$(LOAD_ENV) && export AXE_PATH="$(CURDIR)/$(LOCAL)/node/node_modules/axe-core/axe.min.js" && \
		$(GO) test -race -count=1 -timeout 45m ./...

# bench: the Go benchmarks (about a minute), then .ci/bench: the search at
# scale, for each size of BENCH_SIZES (default "1000000 50000" offers, each
# seeded once in its own database, vivier_bench and vivier_bench_50000, and
# reused; 2.5 to 8 minutes to load a million here, with other jobs running on
# the 2 cores), with req/s and
# p50/p95/p99 of the search and offer pages, pgbench on the same SQL, and its
# EXPLAIN. 5 to 12 minutes the first time, about 3 after. Then .ci/lighthouse:
# Lighthouse's mobile scores (and LCP) of /, /offres, an offer and an employer's
# page over the demo (about 5 minutes).
BENCH_SIZES ?= 1000000 50000
bench: services ## benchmarks, reporting numbers (no timed tests anywhere else)
	@$(LOAD_ENV) && $(GO) test -run '^$$' -bench . -benchmem ./...
	@$(LOAD_ENV) && BENCH_SIZES="$(BENCH_SIZES)" .ci/bench
	@$(LOAD_ENV) && .ci/lighthouse

stop: ## stop the local services started by run or test
	@.ci/services down

services:
	@.ci/services up

build:
	@mkdir -p $(LOCAL)/bin && $(GO) build -o $(BIN) ./cmd/vivier

lint: ## gofmt, go vet, staticcheck and errcheck
	@test -z "$$(gofmt -l . | grep -v '^$(LOCAL)/' | tee /dev/stderr)" || (echo "gofmt: the files above need formatting" && false)
	@$(GO) vet ./...
	@$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	@$(GO) run github.com/kisielk/errcheck@$(ERRCHECK_VERSION) -exclude errcheck_excludes.txt $(ERRCHECK_PACKAGES)

# Chromium for the browser tests, and axe-core (the accessibility checker
# they inject) pinned from npm.
browser:
	@.ci/services browser
	@test -f $(LOCAL)/node/node_modules/axe-core/axe.min.js || \
		(mkdir -p $(LOCAL)/node && npm install --prefix $(LOCAL)/node --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION) >/dev/null)

# image: no container engine needed (see cmd/image); IMAGE_TAG names it in the
# tarball, IMAGE_ARCH picks the processor (amd64, arm64).
IMAGE_TAG ?= vivier:latest
IMAGE_ARCH ?= $(shell $(GO) env GOARCH)
image: ## the OCI image as a docker-archive tarball: .local/vivier-image.tar (docker load / podman load -i)
	@$(GO) run ./cmd/image -o $(LOCAL)/vivier-image.tar -tag $(IMAGE_TAG) -arch $(IMAGE_ARCH)

dsfr: ## refresh templates/static/dsfr from the pinned DSFR version (accepts its licence: see README)
	@.ci/dsfr

clean: ## stop the services and delete their data
	@.ci/services purge
