#!/usr/bin/env bash
# `make bench`: two layers.
#   1. planner: the in-process benchmark of the pure reconcile work (PlannerBenchmarkTest,
#      controller/target/bench.json).
#   2. cluster: N LeaderWorkerSets x size S on the local control plane (kwok pods), one column at a
#      time, never two controllers at once: floor (a raw parallel client makes the pods and Services
#      itself), ours (controller/target/modelserving.jar with the Helm chart's memory/CPU limits and
#      javaOptions), upstream (the upstream LWS controller v0.10.0, when ../shared/upstream-src is
#      here). The measuring is dev.modelserving.controller.bench.ClusterBenchmark (test classpath);
#      the table goes to stdout, the JSON to controller/target/bench-cluster.json.
#
# Environment (defaults in brackets):
#   BENCH_GROUPS [200]  BENCH_SIZE [4]      LWS objects and pods per LWS (one replica each: N x S pods)
#   BENCH_COLUMNS [floor,ours,upstream]     which columns to run
#   BENCH_UPSTREAM [1 if the sources exist and N x S <= 2000, else 0]
#   BENCH_TIMEOUT [900]                     seconds per phase before it is reported as "timeout"
#   BENCH_STEADY_SECONDS [60]               steady-state window in which writes are counted
#   BENCH_PROBES [20]                       scale-up/down rounds of the responsiveness probe
#   BENCH_PARALLEL [48]                     requests in flight when applying / the floor's client
#   BENCH_LAYERS [planner,cluster]          which layers to run
#   BENCH_OURS_JAVA_OPTIONS []              extra JVM flags for our controller, after the chart's
#                                           (e.g. -XX:NativeMemoryTracking=summary to profile it)
#   BENCH_OURS_ARGS []                      flags of `run` in place of the chart's (e.g. --workers=16)
#   LOCAL_CLUSTER_PORT_BASE                 as for hack/local-cluster.sh; ours listens on base+510
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/java-home.sh"
source "$here/control-plane-versions.sh"
cd "$repo"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

GROUPS_N="${BENCH_GROUPS:-200}"
SIZE="${BENCH_SIZE:-4}"
PODS=$((GROUPS_N * SIZE))
TIMEOUT="${BENCH_TIMEOUT:-900}"
STEADY="${BENCH_STEADY_SECONDS:-60}"
PROBES="${BENCH_PROBES:-20}"
PARALLEL="${BENCH_PARALLEL:-48}"
LAYERS="${BENCH_LAYERS:-planner,cluster}"
COLUMNS="${BENCH_COLUMNS:-floor,ours,upstream}"
PORT_BASE="${LOCAL_CLUSTER_PORT_BASE:-16000}"
OURS_PORT=$((PORT_BASE + 510))
STATE="$repo/.local-cluster"
TARGET="$repo/controller/target"
JAR="$TARGET/modelserving.jar"
LOGS="$TARGET/bench-logs"
export KUBECONFIG="$STATE/kubeconfig"
export MAVEN_OPTS="${MAVEN_OPTS:--Xmx768m}"
upstream_src="$repo/../shared/upstream-src"
if [ -z "${BENCH_UPSTREAM:-}" ]; then
  # The upstream controller replaces one group at a time, through the kube-controller-manager's
  # StatefulSet controller (client QPS 20): at 10k pods that takes hours, so it is off by default.
  if [ -d "$upstream_src" ] && [ "$PODS" -le 2000 ]; then BENCH_UPSTREAM=1; else BENCH_UPSTREAM=0; fi
fi
upstream_dir="$("$here/upstream-sources.sh" --quiet)"
# Online (-ntp, not -o): on a fresh machine the first `make bench` has to download the dependencies.
mvn_args=(-B -q -ntp "-Dupstream.dir=$upstream_dir")

# The commit measured: taken now, since HEAD may move while a long run goes on.
COMMIT="$(git rev-parse HEAD)"
COMMIT_LABEL="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- api controller/src || echo '+dirty')"

has() { case ",$1," in *",$2,"*) return 0 ;; *) return 1 ;; esac; }
t_start=$(date +%s)

# ---- layer 1: planner ----
if has "$LAYERS" planner; then
  log "layer 1/2: planner benchmark (in-process)"
  mvn "${mvn_args[@]}" -pl controller -am test -Dgroups=bench -Dbench.excluded=none -Dsurefire.failIfNoSpecifiedTests=false
  cat "$TARGET/bench.txt"
  log "wrote $TARGET/bench.json"
fi
has "$LAYERS" cluster || exit 0

# ---- layer 2: cluster ----
log "layer 2/2: cluster benchmark, $GROUPS_N LWS x $SIZE = $PODS pods, columns $COLUMNS (upstream: $BENCH_UPSTREAM)"
# The jar and the test classes, built when missing or older than their sources.
newer() { local target="$1"; shift; [ ! -e "$target" ] || [ -n "$(find "$@" -newer "$target" -type f -print -quit)" ]; }
bench_class="$TARGET/test-classes/dev/modelserving/controller/bench/ClusterBenchmark.class"
if newer "$JAR" "$repo/api/src/main" "$repo/controller/src/main"; then
  log "building $JAR"
  mvn "${mvn_args[@]}" -pl controller -am package -DskipTests
fi
if newer "$bench_class" "$repo/controller/src/test/java/dev/modelserving/controller/bench"; then
  log "compiling the benchmark (test classes)"
  mvn "${mvn_args[@]}" -pl controller -am test-compile
fi
bench() { java -Xmx768m -XX:+UseSerialGC -cp "$TARGET/test-classes:$JAR" dev.modelserving.controller.bench.ClusterBenchmark "$@"; }

started_cluster=0
ours_pid=""
cleanup() {
  if [ -n "$ours_pid" ] && kill -0 "$ours_pid" 2>/dev/null; then kill "$ours_pid"; wait "$ours_pid" 2>/dev/null || true; fi
  if [ "$BENCH_UPSTREAM" = 1 ] && [ -x "$here/upstream-lws.sh" ]; then "$here/upstream-lws.sh" stop >/dev/null 2>&1 || true; fi
  if [ "$started_cluster" = 1 ]; then "$here/local-cluster.sh" down; fi
}
trap cleanup EXIT
if ! "$here/local-cluster.sh" status >/dev/null 2>&1; then
  log "starting the local control plane"
  started_cluster=1
  "$here/local-cluster.sh" up
fi
if [ "$BENCH_UPSTREAM" = 1 ] && has "$COLUMNS" upstream; then
  if "$here/local-cluster.sh" component lws-upstream available; then
    "$here/local-cluster.sh" component lws-upstream build
    "$here/local-cluster.sh" component lws-upstream up
  else
    log "the upstream column is skipped (see above)"; BENCH_UPSTREAM=0
  fi
fi
has "$COLUMNS" upstream && [ "$BENCH_UPSTREAM" = 1 ] || COLUMNS="${COLUMNS//upstream/}"
# Another controller acting on LeaderWorkerSets here would spoil every column.
if "$here/upstream-lws.sh" status 2>/dev/null | grep -q "running (pid"; then die "the upstream LWS controller runs already; stop it (hack/upstream-lws.sh stop)"; fi

bench nodes --pods="$((PODS + SIZE))"
mkdir -p "$LOGS"
rm -f "$TARGET"/bench-cluster-*.json
clk_tck="$(getconf CLK_TCK)"
system_pids="$(cat "$STATE/pids/"{kube-apiserver,etcd,kube-controller-manager,kube-scheduler,kwok} | paste -sd, -)"
common=(--groups="$GROUPS_N" --size="$SIZE" --timeout="$TIMEOUT" --steady="$STEADY" --probes="$PROBES"
  --parallel="$PARALLEL" --clk-tck="$clk_tck" --system-pids="$system_pids")
declare -A took

# ---- column floor ----
if has "$COLUMNS" floor; then
  t0=$(date +%s)
  log "column floor: no controller; the benchmark's own client creates LWS objects, Services and pods"
  bench run --column=floor "${common[@]}" --out="$TARGET/bench-cluster-floor.json" || log "column floor failed (see above)"
  took[floor]=$(( $(date +%s) - t0 ))
fi

# ---- column ours ----
if has "$COLUMNS" ours; then
  t0=$(date +%s)
  values="$(ls deploy/helm/*/values.yaml | head -1)"
  { read -r jvm_flags; read -r run_flags; } < <(bench chart-args --values="$values")
  jvm_flags="$jvm_flags ${BENCH_OURS_JAVA_OPTIONS:-}"
  # BENCH_OURS_ARGS replaces the chart's flag of the same name (picocli takes each flag once).
  for arg in ${BENCH_OURS_ARGS:-}; do
    run_flags="$(printf '%s\n' $run_flags | { grep -v -E -- "^${arg%%=*}(=|$)" || true; } | paste -sd' ') $arg"
  done
  log "column ours: java $jvm_flags -jar $JAR run --http-port=$OURS_PORT $run_flags (from $values)"
  # shellcheck disable=SC2086
  setsid java $jvm_flags -jar "$JAR" run --http-port="$OURS_PORT" $run_flags >"$LOGS/ours.log" 2>&1 < /dev/null &
  ours_pid=$!
  for _ in $(seq 1 240); do
    grep -q "waiting for work" "$LOGS/ours.log" && break
    kill -0 "$ours_pid" 2>/dev/null || die "our controller exited; see $LOGS/ours.log"
    sleep 0.5
  done
  grep -q "waiting for work" "$LOGS/ours.log" || die "our controller did not start within 120s; see $LOGS/ours.log"
  log "our controller runs (pid $ours_pid, log $LOGS/ours.log)"
  bench run --column=ours "${common[@]}" --pid="$ours_pid" --metrics="http://127.0.0.1:$OURS_PORT/metrics" \
    --out="$TARGET/bench-cluster-ours.json" || log "column ours failed (see above)"
  kill "$ours_pid"; wait "$ours_pid" 2>/dev/null || true; ours_pid=""
  grep -q OutOfMemoryError "$LOGS/ours.log" && log "WARNING: our controller ran out of memory (see $LOGS/ours.log)"
  took[ours]=$(( $(date +%s) - t0 ))
fi

# ---- column upstream ----
if has "$COLUMNS" upstream; then
  t0=$(date +%s)
  log "column upstream: the upstream LWS controller v0.10.0 (hack/upstream-lws.sh)"
  "$here/upstream-lws.sh" start
  up_pid="$(cat "$STATE/pids/lws-upstream")"
  # Its writes go through the kube-controller-manager too (StatefulSets make the pods); its own
  # /metrics need a ServiceAccount token, so only the API server's all-client counts are shown.
  bench run --column=upstream "${common[@]}" --pid="$up_pid" --out="$TARGET/bench-cluster-upstream.json" \
    || log "column upstream failed (see above)"
  "$here/upstream-lws.sh" stop
  took[upstream]=$(( $(date +%s) - t0 ))
fi

bench nodes --remove
log "column durations (s): floor ${took[floor]:--} ours ${took[ours]:--} upstream ${took[upstream]:--}; total $(( $(date +%s) - t_start ))s"
echo
echo "Cluster benchmark: $GROUPS_N LWS x $SIZE = $PODS pods, commit $COMMIT_LABEL, $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
bench report --dir="$TARGET" --groups="$GROUPS_N" --size="$SIZE" \
  --commit="$COMMIT" --date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" --nproc="$(nproc)" \
  --memTotal="$(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo)" --loadAverage="$(cut -d' ' -f1-3 /proc/loadavg)" \
  --upstreamNote="$([ "$BENCH_UPSTREAM" = 1 ] && echo run || echo "not run (BENCH_UPSTREAM=0)")"
log "wrote $TARGET/bench-cluster.json"
