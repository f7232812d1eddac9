#!/usr/bin/env bash
# `make run`: the controller in the foreground against $KUBECONFIG (or ~/.kube/config). When no
# cluster is reachable there, the local control plane is started and used instead.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/control-plane-versions.sh"
log() { printf '[run] %s\n' "$*" >&2; }

reachable() { # kubectl of the system or the one the local cluster built, whichever exists
  local kc; kc="$(command -v kubectl || echo "$CP_BIN/kubectl")"
  [ -x "$kc" ] || return 1
  timeout 10 "$kc" ${KUBECONFIG:+--kubeconfig "$KUBECONFIG"} get --raw /readyz >/dev/null 2>&1
}

kubeconfig_file="${KUBECONFIG:-$HOME/.kube/config}"
if [ -f "${kubeconfig_file%%:*}" ] && reachable; then
  log "using the cluster of $kubeconfig_file"
else
  log "no reachable cluster at ${KUBECONFIG:-~/.kube/config}: starting the local control plane"
  "$here/local-cluster.sh" up
  export KUBECONFIG="$repo/.local-cluster/kubeconfig"
  log "local cluster ready; in another shell: export KUBECONFIG=$KUBECONFIG; kubectl get nodes"
  log "stop it with: hack/local-cluster.sh down"
fi
source "$here/java-home.sh"
(cd "$repo" && mvn -B -q -ntp -DskipTests package)
# The chart's JVM flags but the heap limit (deploy/helm/modelserving-controller/values.yaml).
export MODELSERVING_JAVA_OPTS="${MODELSERVING_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:TrimNativeHeapInterval=5000}"
exec "$repo/bin/modelserving" run
