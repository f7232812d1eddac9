# Optional component "lws-upstream": the real upstream LWS controller (sigs.k8s.io/lws v0.10.0),
# built from ../shared/upstream-src/lws-v0.10.0 into the cache outside the repository.
#
# `up` only builds and prepares: the DisaggregatedSet CRDs it needs, a self-signed CA and a serving
# certificate for 127.0.0.1, its configuration file and its webhook configurations (rendered, not
# registered). It does NOT start the controller: while it runs it acts on every LeaderWorkerSet, as
# ours does, so it may only run inside the tests that want it. Those call hack/upstream-lws.sh
# start|stop around their own cases. `down` stops it and removes its webhook configurations, so that
# a crashed test never leaves webhooks (failurePolicy Fail) that block every later LWS pod.
# Facts behind this: ../shared/spec/ANCHORS.md, "Upstream LWS controller".
# Sourced by hack/local-cluster.sh (which defines repo, STATE, PORT_BASE, CACHE_ROOT, kubectl, log).

LWS_UPSTREAM_VERSION=v0.10.0
LWS_UPSTREAM_SRC="${LWS_UPSTREAM_SRC:-$repo/../shared/upstream-src/lws-$LWS_UPSTREAM_VERSION}"
LWS_UPSTREAM_BIN="$CACHE_ROOT/lws-upstream-$LWS_UPSTREAM_VERSION/bin/lws-controller"

lws_upstream_available() {
  if [ -x "$LWS_UPSTREAM_BIN" ] && [ -d "$LWS_UPSTREAM_SRC/config" ]; then return 0; fi
  if [ ! -f "$LWS_UPSTREAM_SRC/go.mod" ]; then
    log "lws-upstream: $LWS_UPSTREAM_SRC is absent (../shared is not here); the tests that need the upstream LWS controller skip"
    return 1
  fi
  command -v go >/dev/null || { log "lws-upstream: Go is not installed (needed once, to build the upstream LWS controller)"; return 1; }
}

lws_upstream_build() {
  [ -x "$LWS_UPSTREAM_BIN" ] && return 0
  local t0; t0=$(date +%s)
  mkdir -p "$(dirname "$LWS_UPSTREAM_BIN")"
  log "lws-upstream: building the upstream LWS controller $LWS_UPSTREAM_VERSION from $LWS_UPSTREAM_SRC (several minutes the first time) ..."
  # -mod=readonly: the shared snapshot is never written to.
  (cd "$LWS_UPSTREAM_SRC" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-trimpath -mod=readonly -buildvcs=false" \
    go build -ldflags "-s -w" -o "$LWS_UPSTREAM_BIN.tmp" ./cmd/main.go)
  mv "$LWS_UPSTREAM_BIN.tmp" "$LWS_UPSTREAM_BIN"
  echo "$(( $(date +%s) - t0 ))" > "$LWS_UPSTREAM_BIN.build-seconds"
  log "lws-upstream: built in $(( $(date +%s) - t0 ))s: $LWS_UPSTREAM_BIN"
}

lws_upstream_dir() { echo "$STATE/lws-upstream"; }

lws_upstream_up() {
  local dir; dir="$(lws_upstream_dir)"
  local webhook_port=$((PORT_BASE + 500)) metrics_port=$((PORT_BASE + 501)) health_port=$((PORT_BASE + 502))
  mkdir -p "$dir/certs"
  # The controller's cache waits for every CRD it watches; without these it exits after 2 minutes.
  kubectl apply --server-side --field-manager=local-cluster \
    -f "$LWS_UPSTREAM_SRC/config/crd/bases/disaggregatedset.x-k8s.io_disaggregatedsets.yaml" \
    -f "$LWS_UPSTREAM_SRC/config/crd/bases/disaggregatedset.x-k8s.io_disaggregatedsetrolescalers.yaml" >/dev/null
  if [ ! -f "$dir/certs/tls.crt" ]; then
    (
      cd "$dir/certs"
      openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=lws-upstream-webhook-ca" 2>/dev/null
      printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
      openssl req -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj "/CN=127.0.0.1" 2>/dev/null
      openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile san.ext -out tls.crt 2>/dev/null
      rm -f tls.csr san.ext
    )
  fi
  cat > "$dir/config.yaml" <<CFG
apiVersion: config.lws.x-k8s.io/v1alpha1
kind: Configuration
leaderElection:
  leaderElect: false
internalCertManagement:
  enable: false
webhook:
  host: 127.0.0.1
  port: $webhook_port
  certDir: $dir/certs
metrics:
  bindAddress: 127.0.0.1:$metrics_port
health:
  healthProbeBindAddress: 127.0.0.1:$health_port
CFG
  lws_upstream_render_webhooks "https://127.0.0.1:$webhook_port" > "$dir/webhooks.yaml"
  echo "$webhook_port" > "$dir/webhook-port"
  log "lws-upstream: prepared in $dir (not started; hack/upstream-lws.sh start|stop runs it)"
}

# The webhook configurations of config/webhook/ (with the objectSelectors of its kustomize patches),
# pointing at the loopback server. Named lws-upstream-* so that they are ours to remove.
lws_upstream_render_webhooks() {
  local base="$1" ca; ca="$(base64 -w0 < "$(lws_upstream_dir)/certs/ca.crt")"
  local selector='  objectSelector: {matchExpressions: [{key: leaderworkerset.sigs.k8s.io/name, operator: Exists}]}'
  cat <<WH
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: lws-upstream-mutating-webhook-configuration}
webhooks:
- name: mleaderworkerset.kb.io
  admissionReviewVersions: [v1]
  clientConfig: {url: "$base/mutate-leaderworkerset-x-k8s-io-v1-leaderworkerset", caBundle: "$ca"}
  failurePolicy: Fail
  sideEffects: None
  rules: [{apiGroups: [leaderworkerset.x-k8s.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [leaderworkersets]}]
- name: mpod.kb.io
  admissionReviewVersions: [v1]
  clientConfig: {url: "$base/mutate--v1-pod", caBundle: "$ca"}
  failurePolicy: Fail
  sideEffects: None
$selector
  rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: lws-upstream-validating-webhook-configuration}
webhooks:
- name: vleaderworkerset.kb.io
  admissionReviewVersions: [v1]
  clientConfig: {url: "$base/validate-leaderworkerset-x-k8s-io-v1-leaderworkerset", caBundle: "$ca"}
  failurePolicy: Fail
  sideEffects: None
  rules: [{apiGroups: [leaderworkerset.x-k8s.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [leaderworkersets]}]
- name: vpod.kb.io
  admissionReviewVersions: [v1]
  clientConfig: {url: "$base/validate--v1-pod", caBundle: "$ca"}
  failurePolicy: Fail
  sideEffects: None
$selector
  rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}]
- name: vdisaggregatedset.kb.io
  admissionReviewVersions: [v1]
  clientConfig: {url: "$base/validate-disaggregatedset-x-k8s-io-v1-disaggregatedset", caBundle: "$ca"}
  failurePolicy: Fail
  sideEffects: None
  rules: [{apiGroups: [disaggregatedset.x-k8s.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [disaggregatedsets]}]
WH
}

# Start the controller and register its webhooks; returns once the API server calls them (a
# server-side dry run of an LWS comes back with upstream's defaults).
lws_upstream_start() {
  local dir; dir="$(lws_upstream_dir)"
  [ -f "$dir/config.yaml" ] || { lws_upstream_available && lws_upstream_build && lws_upstream_up; }
  local webhook_port; webhook_port="$(cat "$dir/webhook-port")"   # fixed by `up` (the port base of that call)
  lws_upstream_render_webhooks "https://127.0.0.1:$webhook_port" > "$dir/webhooks.yaml"
  start_proc lws-upstream "$LWS_UPSTREAM_BIN" --kubeconfig="$KUBECONFIG_FILE" --config="$dir/config.yaml"
  # A start that fails half-way leaves neither the process nor its webhooks behind.
  if ! lws_upstream_poll 120 curl -sk -o /dev/null "https://127.0.0.1:$webhook_port/"; then
    lws_upstream_stop; die "lws-upstream: its webhook server on 127.0.0.1:$webhook_port did not answer within 120s; see $STATE/logs/lws-upstream.log"
  fi
  if ! kubectl apply -f "$dir/webhooks.yaml" >/dev/null || ! lws_upstream_poll 60 lws_upstream_defaults_applied; then
    lws_upstream_stop; die "lws-upstream: the API server does not call its webhooks (see $dir/webhooks.yaml, $STATE/logs/lws-upstream.log)"
  fi
  log "lws-upstream: running (pid $(pid_of lws-upstream), log $STATE/logs/lws-upstream.log), webhooks registered"
}

lws_upstream_poll() { # seconds, command...: true once the command succeeds
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

lws_upstream_defaults_applied() {
  local out
  out="$(kubectl create --dry-run=server -o jsonpath='{.spec.rolloutStrategy.rollingUpdateConfiguration.maxSurge}' -f - <<'LWS'
apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: lws-upstream-probe, namespace: default}
spec:
  leaderWorkerTemplate:
    size: 1
    workerTemplate: {spec: {containers: [{name: c, image: busybox}]}}
LWS
)" || return 1
  [ -n "$out" ]
}

# Webhooks first, then the process: registered webhooks without their server block LWS pods.
lws_upstream_stop() {
  lws_upstream_unregister_webhooks
  stop_proc lws-upstream
}

lws_upstream_unregister_webhooks() {
  kubectl delete mutatingwebhookconfiguration lws-upstream-mutating-webhook-configuration --ignore-not-found >/dev/null 2>&1 || true
  kubectl delete validatingwebhookconfiguration lws-upstream-validating-webhook-configuration --ignore-not-found >/dev/null 2>&1 || true
}

lws_upstream_down() {
  lws_upstream_stop
}

lws_upstream_status() {
  if alive lws-upstream; then printf '%-24s running (pid %s)\n' lws-upstream "$(pid_of lws-upstream)"
  elif [ -f "$(lws_upstream_dir)/config.yaml" ]; then printf '%-24s prepared, not running (hack/upstream-lws.sh start)\n' lws-upstream
  else printf '%-24s not prepared\n' lws-upstream; return 1; fi
}
