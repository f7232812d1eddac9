# Volcano (volcano.sh/volcano, snapshot ed72c7c8 in ../shared/upstream-src): vc-scheduler, which
# answers to schedulerName "volcano" and gang-schedules pods by their PodGroups, and
# vc-controller-manager with only its queue controller (Queues Open, so the scheduler admits jobs)
# and PodGroup controller (a PodGroup for a volcano pod that comes without one). Built from the
# snapshot into the cache outside the repository; Go modules come from the Go module proxy.
#
# While Volcano runs, the local kube-scheduler serves only "default-scheduler": it is restarted
# without its "volcano" profile (see scheduler_config in local-cluster.sh) and gets it back on down.
# Sourced by hack/local-cluster.sh (functions log, die, kubectl, start_proc, stop_proc, alive, ...).

VOLCANO_COMMIT=ed72c7c8
VOLCANO_SRC="$repo/../shared/upstream-src/volcano-$VOLCANO_COMMIT"
VOLCANO_BIN="$CACHE_ROOT/volcano-$VOLCANO_COMMIT/bin"
VOLCANO_METRICS_PORT=$((PORT_BASE + 290)); VOLCANO_HEALTHZ_PORT=$((PORT_BASE + 291))
VOLCANO_CM_METRICS_PORT=$((PORT_BASE + 292)); VOLCANO_CM_HEALTHZ_PORT=$((PORT_BASE + 293))

volcano_available() {
  [ -d "$VOLCANO_SRC/cmd/scheduler" ] || { log "volcano: $VOLCANO_SRC is absent (../shared/upstream-src)"; return 1; }
  command -v go >/dev/null || { log "volcano: Go is not installed"; return 1; }
}

volcano_build() {
  if [ -x "$VOLCANO_BIN/vc-scheduler" ] && [ -x "$VOLCANO_BIN/vc-controller-manager" ]; then return; fi
  mkdir -p "$VOLCANO_BIN"
  local t0; t0=$(date +%s)
  log "volcano $VOLCANO_COMMIT: building vc-scheduler and vc-controller-manager into $VOLCANO_BIN (cold: several minutes) ..."
  # The snapshot is read-only and carries its API module in staging/ (a replace directive):
  # build in place, writing only the binaries (into the cache) and Go's own caches.
  ( cd "$VOLCANO_SRC" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath \
      go build -o "$VOLCANO_BIN/" ./cmd/scheduler ./cmd/controller-manager ) \
    || die "building Volcano failed (see above)"
  mv "$VOLCANO_BIN/scheduler" "$VOLCANO_BIN/vc-scheduler"
  mv "$VOLCANO_BIN/controller-manager" "$VOLCANO_BIN/vc-controller-manager"
  log "volcano: built in $(( $(date +%s) - t0 ))s"
}

volcano_crds_established() {
  local crd
  for crd in podgroups.scheduling.volcano.sh queues.scheduling.volcano.sh; do
    [ "$(kubectl get crd "$crd" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}')" = True ] || return 1
  done
}

volcano_queue_open() {
  [ "$(kubectl get queue default -o jsonpath='{.status.state}')" = Open ]
}

volcano_up() {
  # Every CRD the scheduler and the two controllers watch (HyperNodes, NodeShards, Jobs, ...).
  kubectl apply --server-side --field-manager=local-cluster -f "$VOLCANO_SRC/config/crd/volcano/bases/" >/dev/null
  wait_for "the Volcano CRDs to be established" 60 volcano_crds_established
  kubectl apply --server-side --field-manager=local-cluster -f - >/dev/null <<'Q'
apiVersion: scheduling.volcano.sh/v1beta1
kind: Queue
metadata: {name: default}
spec: {weight: 1, reclaimable: true}
Q
  # The local kube-scheduler must stop answering to "volcano" before vc-scheduler starts.
  touch "$STATE/volcano-owns-scheduler-name"
  restart_kube_scheduler
  cat > "$STATE/volcano-scheduler.conf" <<'CONF'
actions: "enqueue, allocate, backfill"
tiers:
- plugins:
  - name: priority
  - name: gang
  - name: conformance
- plugins:
  - name: drf
  - name: predicates
  - name: proportion
  - name: nodeorder
  - name: binpack
CONF
  start_proc vc-controller-manager "$VOLCANO_BIN/vc-controller-manager" --kubeconfig="$KUBECONFIG_FILE" \
    --leader-elect=false --controllers=queue-controller,pg-controller --scheduler-name=volcano \
    --enable-healthz --healthz-address="127.0.0.1:$VOLCANO_CM_HEALTHZ_PORT" --listen-address="127.0.0.1:$VOLCANO_CM_METRICS_PORT"
  start_proc vc-scheduler "$VOLCANO_BIN/vc-scheduler" --kubeconfig="$KUBECONFIG_FILE" \
    --scheduler-name=volcano --default-queue=default --leader-elect=false \
    --scheduler-conf="$STATE/volcano-scheduler.conf" --schedule-period=500ms \
    --enable-healthz --healthz-address="127.0.0.1:$VOLCANO_HEALTHZ_PORT" --listen-address="127.0.0.1:$VOLCANO_METRICS_PORT" \
    --cache-dump-dir="$STATE/logs"
  wait_for "vc-scheduler /healthz" 90 curl -fsS "http://127.0.0.1:$VOLCANO_HEALTHZ_PORT/healthz"
  wait_for "the default Queue to be Open" 90 volcano_queue_open
  log "volcano: vc-scheduler answers to schedulerName volcano (default Queue open)"
}

volcano_down() {
  stop_proc vc-scheduler
  stop_proc vc-controller-manager
  if [ -f "$STATE/volcano-owns-scheduler-name" ]; then
    rm -f "$STATE/volcano-owns-scheduler-name"
    alive kube-scheduler && restart_kube_scheduler
  fi
  return 0
}

volcano_status() {
  local name rc=0
  for name in vc-scheduler vc-controller-manager; do
    if alive "$name"; then printf '%-24s running (pid %s)\n' "$name" "$(pid_of "$name")"
    else printf '%-24s not running\n' "$name"; rc=1; fi
  done
  return $rc
}
