#!/usr/bin/env bash
# Runs the test layers. `hack/test.sh unit`: unit tests (*Test). `hack/test.sh all`: unit tests and
# integration tests (*IT) against the local control plane, which is started when it is not running
# and stopped again afterwards if this script started it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/java-home.sh"
source "$here/control-plane-versions.sh"
cd "$repo"

log() { printf '[test %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
upstream="$("$here/upstream-sources.sh")"
mvn_args=(-B -ntp "-Dupstream.dir=$upstream")

# Formatting first, so that an unformatted file fails fast with what to do.
log "formatting (google-java-format via Spotless)"
mvn "${mvn_args[@]}" -q spotless:check || { echo "ERROR: Java sources are not formatted; run 'make fmt'" >&2; exit 1; }

case "${1:-all}" in
  unit)
    log "unit tests"
    exec mvn "${mvn_args[@]}" test
    ;;
  all)
    # Optional components (hack/components/) start once for the whole run; TEST_WITH= picks them
    # (empty: none). Those that cannot be built here (no ../shared) are skipped with a message.
    with="${TEST_WITH-$("$here/local-cluster.sh" components)}"
    started=0
    if ! "$here/local-cluster.sh" status >/dev/null 2>&1; then
      log "starting the local control plane (the first time this builds it from source, 20-40 min)"
      started=1
      trap '[ $started = 1 ] && "$here/local-cluster.sh" down' EXIT
      "$here/local-cluster.sh" up ${with:+--with "$with"}
    else
      log "using the running local control plane ($repo/.local-cluster/kubeconfig)"
      [ -z "$with" ] || "$here/local-cluster.sh" up --with "$with"
    fi
    log "helm (for the chart tests)"
    "$here/build-helm.sh" >/dev/null
    log "unit and integration tests"
    mvn "${mvn_args[@]}" -Pintegration "-Dit.kubeconfig=$repo/.local-cluster/kubeconfig" "-Dit.kubectl=$CP_BIN/kubectl" "-Dit.helm=$CP_BIN/helm" verify
    ;;
  *) echo "usage: $0 unit|all" >&2; exit 2 ;;
esac
