# Kthena's router and autoscaler (volcano-sh/kthena 3cc05728), real binaries built from the source
# snapshot in ../shared/upstream-src/ (the Go module proxy does not serve Kthena), sourced by
# hack/local-cluster.sh (`up --with kthena`). What runs:
#   kthena-router      routes OpenAI-style requests to pods selected by ModelServers/ModelRoutes;
#                      listens on 127.0.0.1-reachable port PORT_BASE+610 (metrics +611, debug +612)
#   kthena-autoscaler  kthena-controller-manager with only its autoscaler controller, so this
#                      project's controller stays the only ModelServing controller
# plus Kthena's networking CRDs (ModelServer, ModelRoute, ExternalModelProvider) and the
# AutoscalingPolicy CRD from the snapshot's charts. Neither process acts on anything until a test
# creates a ModelServer/ModelRoute or an AutoscalingPolicy, so the other tests are not disturbed.
# How to use them with this controller: docs/kthena-integration.md.

KTHENA_SNAPSHOT=kthena-3cc05728
KTHENA_SRC="$repo/../shared/upstream-src/$KTHENA_SNAPSHOT"
KTHENA_BIN="$CACHE_ROOT/$KTHENA_SNAPSHOT/bin"
KTHENA_ROUTER_PORT=$((PORT_BASE + 610))
KTHENA_ROUTER_METRICS_PORT=$((PORT_BASE + 611))
KTHENA_ROUTER_DEBUG_PORT=$((PORT_BASE + 612))
# The autoscaler's reconcile period (upstream default 15 s); shorter so the e2e tests stay short.
KTHENA_AUTOSCALER_PERIOD_SECONDS="${KTHENA_AUTOSCALER_PERIOD_SECONDS:-5}"
KTHENA_CRDS=(
  charts/kthena/charts/networking/crds/networking.serving.volcano.sh_modelservers.yaml
  charts/kthena/charts/networking/crds/networking.serving.volcano.sh_modelroutes.yaml
  charts/kthena/charts/networking/crds/networking.serving.volcano.sh_externalmodelproviders.yaml
  charts/kthena/charts/workload/crds/workload.serving.volcano.sh_autoscalingpolicies.yaml
)

kthena_available() {
  if [ ! -f "$KTHENA_SRC/go.mod" ]; then
    log "kthena: $KTHENA_SRC is absent (the project's ../shared/upstream-src), so Kthena's router and autoscaler cannot be built here"
    return 1
  fi
  command -v go >/dev/null || { log "kthena: Go is not installed (needed once to build Kthena's router and controller manager)"; return 1; }
  command -v unshare >/dev/null || { log "kthena: unshare (util-linux) is missing; the router needs a private mount namespace for its fixed config path"; return 1; }
}

kthena_build() {
  if [ -x "$KTHENA_BIN/kthena-router" ] && [ -x "$KTHENA_BIN/kthena-controller-manager" ]; then
    log "kthena: $KTHENA_SNAPSHOT binaries are cached in $KTHENA_BIN"; return
  fi
  local start bin; start=$(date +%s)
  mkdir -p "$KTHENA_BIN"
  for bin in kthena-router kthena-controller-manager; do
    [ -x "$KTHENA_BIN/$bin" ] && continue
    log "kthena: compiling $bin from $KTHENA_SRC (the first time downloads modules and takes minutes) ..."
    # -o outside the snapshot: the source folder is shared and is never written to.
    (cd "$KTHENA_SRC" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" \
      go build -ldflags "-s -w" -o "$KTHENA_BIN/$bin.tmp" "./cmd/$bin") || die "building $bin failed"
    mv "$KTHENA_BIN/$bin.tmp" "$KTHENA_BIN/$bin"
  done
  log "kthena: built in $(( $(date +%s) - start )) s into $KTHENA_BIN"
}

kthena_crds_established() {
  local crd
  for crd in modelservers.networking.serving.volcano.sh modelroutes.networking.serving.volcano.sh \
      externalmodelproviders.networking.serving.volcano.sh autoscalingpolicies.workload.serving.volcano.sh; do
    [ "$(kubectl get crd "$crd" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}')" = True ] || return 1
  done
}

# kthena-router reads its scheduler configuration from the fixed path
# /etc/config/routerConfiguration.yaml (a ConfigMap mount in its chart). Out of cluster it runs in a
# private mount namespace where an overlay on /etc adds that one file; the host's /etc is untouched.
kthena_router_config() {
  local dir="$STATE/kthena/etc-upper/config"
  mkdir -p "$dir" "$STATE/kthena/etc-work"
  # The chart's default plugins, minus prefix-cache and least-latency (they only matter with real
  # token traffic); least-request and gpu-usage read the pods' vLLM metrics.
  cat > "$dir/routerConfiguration.yaml" <<'RC'
scheduler:
  pluginConfig:
  - name: least-request
    args:
      maxWaitingRequests: 10
  plugins:
    Filter:
      enabled:
        - least-request
      disabled:
        - lora-affinity
    Score:
      enabled:
        - name: least-request
          weight: 1
        - name: gpu-usage
          weight: 1
RC
}

kthena_up() {
  kubectl apply --server-side --field-manager=local-cluster $(printf -- '-f %s ' "${KTHENA_CRDS[@]/#/$KTHENA_SRC/}") >/dev/null
  wait_for "Kthena's CRDs to be established" 60 kthena_crds_established
  kthena_router_config
  local script
  script="mount --make-rprivate / && mount -t overlay overlay -o lowerdir=/etc,upperdir='$STATE/kthena/etc-upper',workdir='$STATE/kthena/etc-work' /etc \
    && KUBECONFIG='$KUBECONFIG_FILE' exec '$KTHENA_BIN/kthena-router' --port=$KTHENA_ROUTER_PORT --metrics-port=$KTHENA_ROUTER_METRICS_PORT \
    --debug-port=$KTHENA_ROUTER_DEBUG_PORT --enable-webhook=false --enable-gateway-api=false"
  start_proc kthena-router unshare -m sh -c "$script"
  start_proc kthena-autoscaler "$KTHENA_BIN/kthena-controller-manager" --kubeconfig="$KUBECONFIG_FILE" \
    --controllers=autoscaler --enable-webhook=false --leader-elect=false \
    --autoscaling-sync-period-seconds="$KTHENA_AUTOSCALER_PERIOD_SECONDS"
  wait_for "kthena-router to serve on port $KTHENA_ROUTER_PORT" 60 kthena_router_listening
  # Where the tests find the router (they do not know the port base).
  echo "http://127.0.0.1:$KTHENA_ROUTER_PORT" > "$STATE/kthena/router-url"
  log "kthena: router on http://127.0.0.1:$KTHENA_ROUTER_PORT, autoscaler every ${KTHENA_AUTOSCALER_PERIOD_SECONDS}s"
}

kthena_router_listening() {
  alive kthena-router || die "kthena-router exited; see $STATE/logs/kthena-router.log"
  (exec 3<>"/dev/tcp/127.0.0.1/$KTHENA_ROUTER_PORT") 2>/dev/null
}

kthena_down() {
  stop_proc kthena-autoscaler
  stop_proc kthena-router
}

kthena_status() {
  local name rc=0
  for name in kthena-router kthena-autoscaler; do
    if alive "$name"; then printf '%-24s running (pid %s)\n' "$name" "$(pid_of "$name")"
    else printf '%-24s not running\n' "$name"; rc=1; fi
  done
  printf '%-24s http://127.0.0.1:%s\n' "kthena-router port" "$KTHENA_ROUTER_PORT"
  return $rc
}
