#!/usr/bin/env bash
# A real local Kubernetes control plane without Docker: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok (fake nodes that turn scheduled pods Running/Ready),
# all bound to 127.0.0.1, with our ModelServing CRD and the unmodified upstream LWS CRD installed.
#
#   hack/local-cluster.sh up [--with NAME[,NAME]]   build the binaries once (cached outside the repo),
#                                  start, install CRDs; --with adds optional components (below)
#   hack/local-cluster.sh down     stop exactly the processes `up` started (by PID) and remove the state
#   hack/local-cluster.sh status   say what runs
#   hack/local-cluster.sh stop|start|restart kube-apiserver   fault injection for tests: the other
#                                  components and the controller must reconnect
#
# Optional components (real companions, off by default so the default cluster stays lean) live in
# hack/components/NAME.sh, one file each. A file defines, with NAME's dashes as underscores:
#   NAME_available  return 0 when it can be built here; else print why (e.g. ../shared is absent)
#   NAME_build    build once into the cache outside the repo (idempotent)
#   NAME_up       start it against this cluster (idempotent); start processes with start_proc
#   NAME_down     undo NAME_up (processes started by start_proc are also stopped by `down`)
#   NAME_status   print one line per process/object, return non-zero when not running
# A component may define more verbs (e.g. start/stop of a process that only some tests run);
# `hack/local-cluster.sh component NAME VERB` calls NAME_VERB.
# `up --with NAME` on a running cluster adds NAME; the names started are kept in $STATE/with.
#
# State (kubeconfig, certificates, PIDs, logs, etcd data) lives in .local-cluster/ (git-ignored);
# the kubeconfig is .local-cluster/kubeconfig. Ports can be moved with LOCAL_CLUSTER_PORT_BASE;
# LOCAL_CLUSTER_PROFILING=true serves the API server's /debug/pprof (read when `up` starts it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/control-plane-versions.sh"

STATE="${LOCAL_CLUSTER_DIR:-$repo/.local-cluster}"
KUBECONFIG_FILE="$STATE/kubeconfig"
PORT_BASE="${LOCAL_CLUSTER_PORT_BASE:-16000}"
ETCD_PORT=$((PORT_BASE + 379)); ETCD_PEER_PORT=$((PORT_BASE + 380))
API_PORT=$((PORT_BASE + 443))
KCM_PORT=$((PORT_BASE + 257)); SCHED_PORT=$((PORT_BASE + 259)); KWOK_PORT=$((PORT_BASE + 247))
NODE_COUNT="${LOCAL_CLUSTER_NODES:-4}"
API_PROFILING="${LOCAL_CLUSTER_PROFILING:-false}"
# A tainted extra node whose pods get loopback IPs (see create_nodes); tests read these names from
# controller/src/test/.../it/Kthena.java, keep both in step.
LOOPBACK_NODE=kwok-loopback-0
LOOPBACK_POD_CIDR=127.244.0.0/16
LOOPBACK_TAINT=local-cluster/loopback-pod-ips
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
LWS_CRD_NAME=leaderworkersets.leaderworkerset.x-k8s.io
MS_CRD_NAME=modelservings.workload.serving.volcano.sh
MS_CRD_FILE="$repo/deploy/crds/$MS_CRD_NAME.yaml"

log() { printf '[local-cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
kubectl() { "$CP_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

pid_of() { cat "$STATE/pids/$1" 2>/dev/null || true; }
alive() { local pid; pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

start() { # name, args...: start a component in its own session, log to $STATE/logs/<name>.log
  local name="$1"; shift
  if alive "$name"; then log "$name is already running (pid $(pid_of "$name"))"; return; fi
  mkdir -p "$STATE/pids" "$STATE/logs"
  setsid "$CP_BIN/$name" "$@" >"$STATE/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$STATE/pids/$name"
  log "started $name (pid $!, log $STATE/logs/$name.log)"
}

start_proc() { # name, binary path, args...: like start, for binaries outside $CP_BIN (components)
  local name="$1" bin="$2"; shift 2
  if alive "$name"; then log "$name is already running (pid $(pid_of "$name"))"; return; fi
  mkdir -p "$STATE/pids" "$STATE/logs"
  setsid "$bin" "$@" >"$STATE/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$STATE/pids/$name"
  log "started $name (pid $!, log $STATE/logs/$name.log)"
}

stop_proc() { # name: stop a process started by start/start_proc (TERM, then KILL after 10 s)
  local name="$1" pid; pid="$(pid_of "$1")"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "stopped $name (pid $pid)"
  fi
  rm -f "$STATE/pids/$name"
}

wait_for() { # description, seconds, command...
  local what="$1" secs="$2"; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${secs}s waiting for $what; read the logs in $STATE/logs/, then run 'hack/local-cluster.sh down' and 'up' again"
    sleep 0.5
  done
}

make_pki() {
  local pki="$STATE/pki"
  [ -f "$pki/admin.crt" ] && return
  mkdir -p "$pki"; log "creating certificates in $pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=local-cluster-ca" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n' > san.ext
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile san.ext -out apiserver.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=admin" 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -out admin.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr san.ext
  )
}

write_kubeconfig() {
  local pki="$STATE/pki"
  cat > "$KUBECONFIG_FILE" <<KC
apiVersion: v1
kind: Config
clusters:
- name: local-cluster
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $pki/ca.crt
users:
- name: admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: local-cluster
  context: {cluster: local-cluster, user: admin}
current-context: local-cluster
KC
}

# Before a fresh start: a port held by something else (often another local cluster) would only show
# as a timeout later.
check_ports_free() {
  local port
  alive etcd && return 0
  for port in "$ETCD_PORT" "$ETCD_PEER_PORT" "$API_PORT" "$KCM_PORT" "$SCHED_PORT" "$KWOK_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "port $port on 127.0.0.1 is in use (another local cluster?). Stop it, or choose other ports: LOCAL_CLUSTER_PORT_BASE=17000 $0 up"
    fi
  done
}

start_apiserver() {
  local pki="$STATE/pki"
  # An audit log of the writes made by ServiceAccounts (the controller under the chart's RBAC), so
  # tests can tell from the API server's view who wrote when (e.g. never two leaders at once).
  cat > "$STATE/audit-policy.yaml" <<AP
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted]
rules:
- level: Metadata
  userGroups: ["system:serviceaccounts"]
  verbs: [create, update, patch, delete, deletecollection]
- level: None
AP
  # ServiceAccount admission is off (as in envtest): pods need no token and a fresh namespace
  # accepts pods before its "default" ServiceAccount exists. OwnerReferencesPermissionEnforcement is
  # on (as on OpenShift and hardened clusters): setting blockOwnerDeletion needs update on the
  # owner's finalizers, so the chart tests catch a missing grant.
  start kube-apiserver --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --cert-dir="$STATE/apiserver-certs" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --client-ca-file="$pki/ca.crt" --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --allow-privileged=true \
    --disable-admission-plugins=ServiceAccount --enable-admission-plugins=OwnerReferencesPermissionEnforcement \
    --audit-policy-file="$STATE/audit-policy.yaml" --audit-log-path="$STATE/logs/audit.log" \
    --audit-log-maxsize=50 --audit-log-maxbackup=1 --audit-log-format=json \
    --profiling="$API_PROFILING" --v=0
  wait_for "kube-apiserver /readyz" 120 kubectl get --raw /readyz
}

# The scheduler also answers to schedulerName "volcano" (plain scheduling, no gang semantics), so
# upstream Kthena examples, which all name Volcano, schedule without a Volcano installation; while
# the volcano component runs (it leaves $STATE/volcano-owns-scheduler-name) only vc-scheduler does.
write_scheduler_config() {
  local volcano_profile="- schedulerName: volcano"
  [ ! -f "$STATE/volcano-owns-scheduler-name" ] || volcano_profile=""
  cat > "$STATE/kube-scheduler.yaml" <<SC
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection: {kubeconfig: "$KUBECONFIG_FILE"}
leaderElection: {leaderElect: false}
profiles:
- schedulerName: default-scheduler
$volcano_profile
SC
}

start_kube_scheduler() {
  write_scheduler_config
  start kube-scheduler --config="$STATE/kube-scheduler.yaml" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE" \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --profiling=false
  wait_for "kube-scheduler /healthz" 60 curl -fsSk "https://127.0.0.1:$SCHED_PORT/healthz"
}

restart_kube_scheduler() { # after a change of write_scheduler_config's input
  stop_proc kube-scheduler
  start_kube_scheduler
}

start_control_plane() {
  local pki="$STATE/pki"
  check_ports_free
  start etcd --name=local --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="local=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync=true \
    --listen-metrics-urls="http://127.0.0.1:$((PORT_BASE + 381))" --log-level=warn
  wait_for "etcd" 60 curl -fsS "http://127.0.0.1:$ETCD_PORT/readyz"

  start_apiserver

  start kube-controller-manager --kubeconfig="$KUBECONFIG_FILE" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
    --root-ca-file="$pki/ca.crt" --service-account-private-key-file="$pki/sa.key" \
    --use-service-account-credentials=false --controllers='*,-nodeipam,-cloud-node-lifecycle' --profiling=false
  start_kube_scheduler
  # Pod IPs come from --cidr (10.244/16, only written into status; nothing dials them), except on
  # the loopback node (create_nodes), whose podCIDR lies on 127.0.0.0/8 so that tests can reach its pods.
  # kwok plays pod stages on 4 workers by default: at hundreds of pods it lags by seconds, and a
  # lagging duplicate of its delete stage (by name, no UID precondition) deletes the successor of a
  # pod that a controller recreates under the same name. More workers keep it near real time.
  cat > "$STATE/kwok-options.yaml" <<'KWOK'
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:  # a document of its own is not defaulted: kwok's other defaults are repeated here
  podPlayStageParallelism: 32
  nodePlayStageParallelism: 4
  nodeLeaseParallelism: 4
  podsOnNodeSyncParallelism: 1
  enableDebuggingHandlers: true
  enableProfilingHandler: true
  enablePodsOnNodeSyncListPager: true
KWOK
  start kwok --kubeconfig="$KUBECONFIG_FILE" --config="$CP_CACHE/kwok-stages.yaml" --config="$STATE/kwok-options.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --cidr=10.244.0.0/16 --node-ip=127.0.0.1 --node-port="$KWOK_PORT" --server-address="127.0.0.1:$KWOK_PORT" \
    --node-lease-duration-seconds=40
}

# Big enough for the upstream examples: GPUs, TPUs and Ascend NPUs, with the TPU node labels the
# vLLM TPU example selects.
NODE_CAPACITY='cpu: "256", memory: 4Ti, ephemeral-storage: 2Ti, pods: "1000", nvidia.com/gpu: "8", google.com/tpu: "8", huawei.com/ascend-1980: "8"'

create_nodes() {
  local i name manifest="" capacity="$NODE_CAPACITY"
  for i in $(seq 0 $((NODE_COUNT - 1))); do
    name="kwok-node-$i"
    kubectl get node "$name" >/dev/null 2>&1 && continue
    manifest+="---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: \"0\"}
  labels:
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    topology.kubernetes.io/zone: zone-$((i % 2))
    cloud.google.com/gke-nodepool: pool-$i
    cloud.google.com/gke-tpu-accelerator: tpu-v5-lite-podslice
    cloud.google.com/gke-tpu-topology: 4x4
status:
  allocatable: {$capacity}
  capacity: {$capacity}
"
  done
  # One more node whose pods get IPs from a loopback range, where one listener on 0.0.0.0 answers
  # for every pod (the fake model server of the Kthena router and autoscaler tests). It is tainted,
  # so only pods that tolerate the taint land there: the API server refuses loopback addresses in
  # EndpointSlices, so other pods keep their 10.244/16 addresses and their Services' endpoints.
  if ! kubectl get node "$LOOPBACK_NODE" >/dev/null 2>&1; then
    manifest+="---
apiVersion: v1
kind: Node
metadata:
  name: $LOOPBACK_NODE
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: \"0\"}
  labels: {kubernetes.io/hostname: $LOOPBACK_NODE, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok}
spec:
  podCIDR: $LOOPBACK_POD_CIDR
  podCIDRs: [$LOOPBACK_POD_CIDR]
  taints: [{key: $LOOPBACK_TAINT, value: \"true\", effect: NoSchedule}]
status:
  allocatable: {$capacity}
  capacity: {$capacity}
"
  fi
  if [ -n "$manifest" ]; then
    log "creating fake nodes"
    printf '%s' "$manifest" | kubectl create -f - >/dev/null
  fi
  wait_for "$((NODE_COUNT + 1)) Ready nodes" 120 nodes_ready
}

crds_established() { # kubectl wait fails at once while a new CRD has no conditions yet, so poll
  local crd
  for crd in "$MS_CRD_NAME" "$LWS_CRD_NAME"; do
    [ "$(kubectl get crd "$crd" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}')" = True ] || return 1
  done
}

nodes_ready() {
  [ "$(kubectl get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)" -ge "$((NODE_COUNT + 1))" ]
}

install_crds() {
  local upstream; upstream="$("$here/upstream-sources.sh" --quiet)"
  local lws_crd="$upstream/lws/config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml"
  [ -f "$MS_CRD_FILE" ] || die "$MS_CRD_FILE is missing (it is generated by the api module and committed)"
  # Server-side apply: the LWS CRD is too large for client-side apply's last-applied annotation,
  # and an unchanged CRD is not written again.
  kubectl apply --server-side --field-manager=local-cluster -f "$MS_CRD_FILE" -f "$lws_crd" >/dev/null
  wait_for "the CRDs to be established" 60 crds_established
  log "CRDs served: $MS_CRD_NAME, $LWS_CRD_NAME (LWS from $(cat "$upstream/lws/SOURCE"))"
}

# No volume provisioner runs here: a StorageClass "default" (the name upstream LWS examples use) and
# pre-made hostPath PersistentVolumes let claims bind. It is the cluster's default class, so a claim
# that names no storageClassName (the usual case) gets it from the DefaultStorageClass admission
# plugin and binds too. Released volumes are made Available again by the next `up` only, so there
# are enough for one whole test run (the claims of the ITs add up to about 20).
PV_COUNT="${LOCAL_CLUSTER_PVS:-32}"
install_storage() {
  local i manifest="" released
  if ! kubectl get storageclass default >/dev/null 2>&1; then
    manifest+="---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: default
  annotations: {storageclass.kubernetes.io/is-default-class: 'true'}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
"
  fi
  for i in $(seq 0 $((PV_COUNT - 1))); do
    kubectl get pv "local-pv-$i" >/dev/null 2>&1 && continue
    manifest+="---
apiVersion: v1
kind: PersistentVolume
metadata: {name: local-pv-$i}
spec:
  capacity: {storage: 100Gi}
  accessModes: [ReadWriteOnce, ReadWriteMany, ReadOnlyMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: default
  hostPath: {path: /tmp/local-cluster/pv-$i}
"
  done
  [ -z "$manifest" ] || printf '%s' "$manifest" | kubectl create -f - >/dev/null
  # A cluster made before the class was marked as the default.
  if [ "$(kubectl get storageclass default -o jsonpath='{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}')" != "true" ]; then
    kubectl annotate storageclass default storageclass.kubernetes.io/is-default-class=true --overwrite >/dev/null
  fi
  for released in $(kubectl get pv -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{" "}{end}'); do
    kubectl patch pv "$released" --type=json -p='[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null
  done
}

component() { # name, verb: source hack/components/NAME.sh and call its NAME_verb
  local file="$here/components/$1.sh"
  [ -f "$file" ] || die "unknown component '$1' (known: $(cd "$here/components" && ls -- *.sh 2>/dev/null | sed 's/\.sh$//' | tr '\n' ' '))"
  # shellcheck source=/dev/null
  source "$file"
  "${1//-/_}_$2"
}

components_up() { # comma-separated names
  local name
  for name in ${1//,/ }; do
    if ! component "$name" available; then log "skipping component $name (see above)"; continue; fi
    component "$name" build
    component "$name" up
    grep -qx "$name" "$STATE/with" 2>/dev/null || echo "$name" >> "$STATE/with"
  done
}

cmd_up() {
  local t0 with=""; t0=$(date +%s)
  while [ $# -gt 0 ]; do
    case "$1" in
      --with) with="${2:?--with needs NAME[,NAME]}"; shift 2 ;;
      --with=*) with="${1#--with=}"; shift ;;
      *) die "unknown argument '$1' (usage: $0 up [--with NAME[,NAME]])" ;;
    esac
  done
  command -v openssl >/dev/null || die "openssl is required (apt-get install openssl)"
  command -v curl >/dev/null || die "curl is required (apt-get install curl)"
  "$here/build-control-plane.sh"
  mkdir -p "$STATE"
  make_pki
  write_kubeconfig
  start_control_plane
  create_nodes
  install_crds
  install_storage
  [ -z "$with" ] || components_up "$with"
  log "ready in $(( $(date +%s) - t0 ))s: export KUBECONFIG=$KUBECONFIG_FILE"
}

cmd_down() {
  local name pid i
  if [ -f "$STATE/with" ]; then
    for name in $(tac "$STATE/with"); do component "$name" down || true; done
  fi
  for name in $(ls "$STATE/pids" 2>/dev/null); do   # component processes left behind
    case " ${COMPONENTS[*]} " in *" $name "*) ;; *) stop_proc "$name" ;; esac
  done
  for (( i=${#COMPONENTS[@]}-1; i>=0; i-- )); do
    name="${COMPONENTS[$i]}"; pid="$(pid_of "$name")"
    [ -n "$pid" ] || continue
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
      log "stopped $name (pid $pid)"
    fi
  done
  rm -rf "$STATE"
  log "removed $STATE"
}

# Fault injection for tests: stop, start or restart one component of a running cluster (only the
# API server so far; the others reconnect to it). Used by the API-server-restart integration test.
cmd_component_verb() { # verb, name
  local verb="$1" name="${2:-}"
  [ "$name" = kube-apiserver ] || die "usage: $0 $verb kube-apiserver (other components are not supported)"
  alive etcd || die "the local cluster is not running (start it with '$0 up')"
  case "$verb" in
    stop) stop_proc kube-apiserver ;;
    start) start_apiserver ;;
    restart) stop_proc kube-apiserver; start_apiserver ;;
  esac
}

cmd_status() {
  local name rc=0
  for name in "${COMPONENTS[@]}"; do
    if alive "$name"; then printf '%-24s running (pid %s)\n' "$name" "$(pid_of "$name")"
    else printf '%-24s not running\n' "$name"; rc=1; fi
  done
  if [ $rc = 0 ]; then
    printf 'kubeconfig               %s\n' "$KUBECONFIG_FILE"
    printf 'API server               https://127.0.0.1:%s\n' "$API_PORT"
    printf 'nodes Ready              %s\n' "$(kubectl get nodes --no-headers 2>/dev/null | grep -cw Ready || true)"
    printf 'CRDs                     %s\n' "$(kubectl get crd "$MS_CRD_NAME" "$LWS_CRD_NAME" -o name 2>/dev/null | tr '\n' ' ')"
    for name in $(cat "$STATE/with" 2>/dev/null); do component "$name" status || rc=1; done
  fi
  return $rc
}

case "${1:-}" in
  components) ls "$here/components" | sed -n 's/\.sh$//p' | paste -sd, - ;;   # every known name
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  stop|start|restart) cmd_component_verb "$@" ;;
  component) [ $# = 3 ] || die "usage: $0 component NAME VERB"; component "$2" "$3" ;;
  *) echo "usage: $0 up [--with NAME[,NAME]]|down|status|components|stop|start|restart kube-apiserver|component NAME VERB" >&2; exit 2 ;;
esac
