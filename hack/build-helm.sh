#!/usr/bin/env bash
# Builds the helm CLI (helm.sh/helm/v3, $HELM_VERSION from hack/control-plane-versions.sh) from the Go
# module proxy into $CP_BIN/helm, once; later calls return at once. Prints the path of the binary.
# A cold build takes a few minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=control-plane-versions.sh
source "$here/control-plane-versions.sh"

log() { printf '[build-helm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# helm's default Kubernetes version (for `helm template` and `helm lint`, chart kubeVersion checks)
# is set at link time, as helm's Makefile does; we use the local cluster's.
k8s_minor="${K8S_VERSION#v1.}"; k8s_minor="${k8s_minor%%.*}"
stamp="$HELM_VERSION (Kubernetes 1.$k8s_minor)"
if [ -x "$CP_BIN/helm" ] && [ "$(cat "$CP_BIN/helm.version" 2>/dev/null)" = "$stamp" ]; then
  log "helm $HELM_VERSION is cached in $CP_BIN"
  echo "$CP_BIN/helm"; exit 0
fi
command -v go >/dev/null || die "Go is not installed. Install Go 1.24 or newer and run again."

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
mkdir -p "$CP_BIN"
start=$(date +%s)
log "helm $HELM_VERSION: resolving and compiling helm.sh/helm/v3/cmd/helm (a few minutes the first time) ..."
# helm's go.mod has no replace directives, so `go install module@version` works without a consumer module.
GOBIN="$CP_BIN" go install \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
printf '%s' "$stamp" > "$CP_BIN/helm.version"
log "done in $(( $(date +%s) - start )) s: $("$CP_BIN/helm" version --short)"
echo "$CP_BIN/helm"
