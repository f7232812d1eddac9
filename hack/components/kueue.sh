# Optional component "kueue": the real Kueue (sigs.k8s.io/kueue $KUEUE_VERSION), run out of cluster
# against the local kube-apiserver with its LeaderWorkerSet integration enabled
# (hack/local-cluster.sh up --with kueue; docs/gang-scheduling.md says what it does with our LWS).
# Sourced by hack/local-cluster.sh, which provides STATE, PORT_BASE, CACHE_ROOT, kubectl, log, die,
# start_proc, alive, pid_of, wait_for.
#
# - Built once from the Go module proxy into $CACHE_ROOT/kueue-$KUEUE_VERSION/bin (outside the repo).
# - Its CRDs (config/components/crd/bases of the module) are installed with server-side apply. Only
#   v1beta2 (the storage version) is used here, so the CRDs keep conversion strategy None instead of
#   upstream's conversion webhook.
# - Its webhooks are served on 127.0.0.1 ($KUEUE_WEBHOOK_PORT) with a self-signed CA and a serving
#   certificate for IP:127.0.0.1. The Mutating/ValidatingWebhookConfigurations are upstream's
#   (config/components/webhook/manifests.yaml), cut down to the webhooks of what runs here (Kueue's
#   own kinds, Pod, LeaderWorkerSet), with clientConfig.url and caBundle; they are registered only
#   while Kueue runs (failurePolicy Fail) and deleted by kueue_down.
# - So that Kueue only ever sees objects that name a queue, the Pod and LeaderWorkerSet webhooks get
#   matchConditions: an object is sent to Kueue only when it (or, on update, its old version) has a
#   kueue.x-k8s.io/ label or Kueue's pod annotations. Everything else is admitted without Kueue. The
#   price: Kueue's "default" LocalQueue defaulting does not reach LWS or pods without a queue label.
# - Kueue reads its metrics certificate from the fixed path /etc/kueue/metrics/certs when it does
#   not manage certificates itself, so it runs in a private mount namespace in which /etc is an
#   overlay of the real /etc and $STATE/kueue/etc (needs root or unprivileged user namespaces).
KUEUE_VERSION=v0.17.0
KUEUE_MODULE=sigs.k8s.io/kueue
KUEUE_CACHE="$CACHE_ROOT/kueue-$KUEUE_VERSION"
KUEUE_BIN="$KUEUE_CACHE/bin/kueue"
# Ports of this cluster (PORT_BASE+300..302; volcano uses +29x).
KUEUE_WEBHOOK_PORT=$((PORT_BASE + 300))
KUEUE_METRICS_PORT=$((PORT_BASE + 301))
KUEUE_HEALTH_PORT=$((PORT_BASE + 302))
KUEUE_STATE="$STATE/kueue"
KUEUE_WEBHOOK_CONFIG=kueue-local-cluster
KUEUE_FRAMEWORKS=(leaderworkerset.x-k8s.io/leaderworkerset)   # enables "pod" implicitly

kueue_module_dir() { # the module's source in the Go module cache (downloaded once)
  GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$KUEUE_MODULE@$KUEUE_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# The command prefix that gives Kueue its private /etc (see above).
kueue_namespace_cmd() {
  if [ "$(id -u)" = 0 ]; then echo "unshare --mount --propagation private"
  else echo "unshare --user --map-root-user --mount --propagation private"; fi
}

kueue_available() {
  command -v go >/dev/null || { log "kueue: Go is not installed"; return 1; }
  command -v unshare >/dev/null || { log "kueue: unshare (util-linux) is not installed"; return 1; }
  local probe; probe="$(mktemp -d)"
  # shellcheck disable=SC2046
  if ! $(kueue_namespace_cmd) -- sh -c "mount -t overlay overlay -o lowerdir=$probe:/etc /etc" 2>/dev/null; then
    rmdir "$probe"
    log "kueue: cannot mount an overlay on /etc in a private mount namespace here (needs root or unprivileged user namespaces)"
    return 1
  fi
  rmdir "$probe"
}

kueue_build() {
  if [ -x "$KUEUE_BIN" ] && [ "$(cat "$KUEUE_CACHE/version" 2>/dev/null)" = "$KUEUE_VERSION" ]; then
    return 0
  fi
  local start; start=$(date +%s)
  log "kueue $KUEUE_VERSION: building $KUEUE_MODULE/cmd/kueue from the Go module proxy (once; several minutes on 2 cores) ..."
  mkdir -p "$KUEUE_CACHE/bin"
  # Kueue's go.mod has no replace directives, so `go install module@version` works on its own.
  GOBIN="$KUEUE_CACHE/bin" GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath \
    go install -ldflags "-s -w -X sigs.k8s.io/kueue/pkg/version.GitVersion=$KUEUE_VERSION" "$KUEUE_MODULE/cmd/kueue@$KUEUE_VERSION"
  echo "$KUEUE_VERSION" > "$KUEUE_CACHE/version"
  log "kueue $KUEUE_VERSION built in $(( $(date +%s) - start ))s: $KUEUE_BIN"
}

kueue_certs() {
  local dir="$KUEUE_STATE/pki"
  [ -f "$dir/tls.crt" ] && return
  mkdir -p "$dir" "$KUEUE_STATE/etc/kueue/metrics/certs"
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=kueue-local-ca" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > san.ext
    openssl req -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj "/CN=kueue-webhook" 2>/dev/null
    openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile san.ext -out tls.crt 2>/dev/null
    rm -f tls.csr san.ext
  )
  cp "$dir/tls.crt" "$dir/tls.key" "$KUEUE_STATE/etc/kueue/metrics/certs/"
}

kueue_config() {
  local frameworks="" f
  for f in "${KUEUE_FRAMEWORKS[@]}"; do frameworks+="  - $f"$'\n'; done
  cat > "$KUEUE_STATE/config.yaml" <<CFG
apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
namespace: kueue-system
health:
  healthProbeBindAddress: 127.0.0.1:$KUEUE_HEALTH_PORT
metrics:
  bindAddress: 127.0.0.1:$KUEUE_METRICS_PORT
webhook:
  host: 127.0.0.1
  port: $KUEUE_WEBHOOK_PORT
  certDir: $KUEUE_STATE/pki
leaderElection:
  leaderElect: false
internalCertManagement:
  enable: false
clientConnection:
  qps: 50
  burst: 100
# The visibility API server binds a fixed port on all interfaces and needs API aggregation.
featureGates:
  VisibilityOnDemand: false
integrations:
  frameworks:
$frameworks
CFG
}

# Upstream's webhook manifests, kept to the webhooks named in $1 (space-separated), pointed at
# 127.0.0.1 with our CA; Pod and LeaderWorkerSet webhooks get the matchConditions described above.
kueue_webhook_manifests() {
  local module="$1" keep="$2" ca; ca="$(base64 -w0 < "$KUEUE_STATE/pki/ca.crt")"
  awk -v keep=" $keep " -v base="https://127.0.0.1:$KUEUE_WEBHOOK_PORT" -v ca="$ca" -v cfgname="$KUEUE_WEBHOOK_CONFIG" '
    function flush() {
      if (entry != "" && index(keep, " " name " ") > 0) {
        printf "%s", entry
        if (name ~ /^[mv](pod|leaderworkerset)\.kb\.io$/) {
          print "  namespaceSelector:"
          print "    matchExpressions:"
          print "    - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system, kueue-system]}"
          print "  matchConditions:"
          print "  - name: names-a-kueue-queue-or-carries-kueue-metadata"
          print "    expression: >-"
          print "      [object, oldObject].exists(o, o != null && ("
          print "      (has(o.metadata.labels) && o.metadata.labels.exists(k, k.startsWith(\"kueue.x-k8s.io/\"))) ||"
          print "      (has(o.metadata.annotations) && o.metadata.annotations.exists(k, k.startsWith(\"kueue.x-k8s.io/\")))))"
        }
      }
      entry = ""; name = ""
    }
    /^---/ || /^apiVersion:/ || /^kind:/ || /^webhooks:/ { flush(); print; next }
    /^metadata:/ { flush(); print; getline; sub(/name: .*/, "name: " cfgname); print; next }
    /^- admissionReviewVersions:/ { flush() }
    /^    service:/ { next }
    /^      name: webhook-service/ { next }
    /^      namespace: system/ { next }
    /^      path: / { sub(/^      path: /, ""); entry = entry "    url: " base $0 "\n    caBundle: " ca "\n"; next }
    /^  name: / { name = $2 }
    { entry = entry $0 "\n" }
    END { flush() }
  ' "$module/config/components/webhook/manifests.yaml"
}

KUEUE_WEBHOOKS="mclusterqueue.kb.io mresourceflavor.kb.io mworkload.kb.io mpod.kb.io mleaderworkerset.kb.io
vclusterqueue.kb.io vcohort.kb.io vresourceflavor.kb.io vworkload.kb.io vpod.kb.io vleaderworkerset.kb.io"

kueue_crds_established() {
  local crd
  for crd in $(kubectl get crd -o name | grep '\.kueue\.x-k8s\.io$'); do
    [ "$(kubectl get "$crd" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}')" = True ] || return 1
  done
}

kueue_ready() { # fails at once when Kueue has exited
  alive kueue || die "kueue exited; its log: $STATE/logs/kueue.log"
  curl -fsS "http://127.0.0.1:$KUEUE_HEALTH_PORT/readyz" >/dev/null 2>&1 \
    && (exec 3<>"/dev/tcp/127.0.0.1/$KUEUE_WEBHOOK_PORT") 2>/dev/null
}

kueue_up() {
  local module; module="$(kueue_module_dir)"
  [ -d "$module" ] || die "kueue: cannot find $KUEUE_MODULE@$KUEUE_VERSION in the Go module cache"
  mkdir -p "$KUEUE_STATE"
  kubectl apply --server-side --field-manager=local-cluster -f "$module/config/components/crd/bases/" >/dev/null
  wait_for "Kueue's CRDs to be established" 60 kueue_crds_established
  kubectl get namespace kueue-system >/dev/null 2>&1 || kubectl create namespace kueue-system >/dev/null
  kueue_certs
  kueue_config
  if ! alive kueue; then
    # /etc inside Kueue's mount namespace = real /etc + $KUEUE_STATE/etc (its metrics certificate).
    start_proc kueue /usr/bin/env $(kueue_namespace_cmd) -- sh -c \
      'mount -t overlay overlay -o "lowerdir=$1:/etc" /etc && shift && exec "$@"' kueue-ns "$KUEUE_STATE/etc" \
      "$KUEUE_BIN" --config="$KUEUE_STATE/config.yaml" --kubeconfig="$KUBECONFIG_FILE" --zap-log-level=info
  fi
  local deadline=$(( $(date +%s) + 180 ))
  until kueue_ready; do
    [ "$(date +%s)" -lt "$deadline" ] || die "timed out after 180s waiting for kueue (health http://127.0.0.1:$KUEUE_HEALTH_PORT/readyz, webhooks 127.0.0.1:$KUEUE_WEBHOOK_PORT); its log: $STATE/logs/kueue.log"
    sleep 0.5
  done
  kueue_webhook_manifests "$module" "$(echo $KUEUE_WEBHOOKS)" > "$KUEUE_STATE/webhooks.yaml"
  kubectl apply --server-side --field-manager=local-cluster -f "$KUEUE_STATE/webhooks.yaml" >/dev/null
  log "kueue $KUEUE_VERSION runs (webhooks https://127.0.0.1:$KUEUE_WEBHOOK_PORT, frameworks: ${KUEUE_FRAMEWORKS[*]})"
}

kueue_down() {
  # Webhooks first: with failurePolicy Fail they would refuse LWS and queued pods once Kueue is gone.
  kubectl delete mutatingwebhookconfiguration,validatingwebhookconfiguration "$KUEUE_WEBHOOK_CONFIG" --ignore-not-found >/dev/null 2>&1 || true
  stop_proc kueue
}

kueue_status() {
  if alive kueue; then
    printf '%-24s running (pid %s, webhooks https://127.0.0.1:%s)\n' kueue "$(pid_of kueue)" "$KUEUE_WEBHOOK_PORT"
  else
    printf '%-24s not running\n' kueue; return 1
  fi
}
