# Thin wrappers around Maven and hack/*.sh. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## Run the controller against $$KUBECONFIG; starts the local cluster when none is reachable
	@hack/run.sh

.PHONY: test
test: ## Every test layer: unit tests and integration tests on the local control plane (started when needed)
	@hack/test.sh all

.PHONY: test-unit
test-unit: ## Unit tests only (no cluster)
	@hack/test.sh unit

.PHONY: test-integration
test-integration: ## Unit and integration tests (same as test)
	@hack/test.sh all

.PHONY: fmt
fmt: ## Format the Java sources (google-java-format through Spotless: layout, import order, unused imports)
	@source hack/java-home.sh && mvn -B -q spotless:apply

.PHONY: fmt-check
fmt-check: ## Fail when a Java source is not formatted (make test runs this first)
	@source hack/java-home.sh && mvn -B -q spotless:check

.PHONY: bench
bench: ## Benchmarks: the planner in-process, then N LWS x S pods on the local cluster (floor, ours, upstream); BENCH_* options in hack/bench.sh
	@hack/bench.sh

.PHONY: build
build: ## Build the controller jar (controller/target/modelserving.jar)
	@source hack/java-home.sh && mvn -B -q -DskipTests package

.PHONY: manifests
manifests: ## Regenerate deploy/crds/ (and the chart's copy) from the Java API types, and deploy/manifests/ from the chart
	@source hack/java-home.sh && mvn -B -q -pl api -Dcrd.update=true test -Dtest=GeneratedCrdIsCommittedTest
	@hack/render-manifests.sh

.PHONY: cluster-up
cluster-up: ## Start the local control plane (etcd, apiserver, kcm, scheduler, kwok); idempotent
	@hack/local-cluster.sh up

.PHONY: cluster-down
cluster-down: ## Stop the local control plane and remove its state
	@hack/local-cluster.sh down

.PHONY: cluster-status
cluster-status: ## Show what of the local control plane runs
	@hack/local-cluster.sh status

.PHONY: clean
clean: ## Remove build outputs
	@source hack/java-home.sh && mvn -B -q clean
