#!/usr/bin/env bash
# Puts the upstream LeaderWorkerSet and Kthena files this project is checked against (CRDs and
# example manifests) into $UPSTREAM_DIR, laid out as in the upstream repositories:
#   $UPSTREAM_DIR/lws/config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml
#   $UPSTREAM_DIR/lws/docs/examples/**.yaml
#   $UPSTREAM_DIR/kthena/charts/kthena/charts/workload/crds/*.yaml
#   $UPSTREAM_DIR/kthena/examples/{model-serving,kthena-router}/*.yaml
# Nothing is copied into this repository. Sources, first that works:
#   1. the pinned upstream Go module from the Go module proxy (go mod download);
#   2. a checked copy in ../shared/fixtures beside the repository (the project's reference fixtures);
#   3. for LWS only: the newest older module the proxy serves (v0.9.0), with a warning.
# Prints the directory. Usage: hack/upstream-sources.sh [--quiet]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/control-plane-versions.sh"
UPSTREAM_DIR="${UPSTREAM_DIR:-$CACHE_ROOT/upstream}"
quiet=0; [ "${1:-}" = "--quiet" ] && quiet=1
log() { [ $quiet = 1 ] || printf '[upstream-sources] %s\n' "$*" >&2; }
shared="$repo/../shared/fixtures"

module_dir() { # module@version -> extracted directory, or nothing when the proxy refuses it
  [ -n "$(command -v go)" ] || return 0
  (cd "$CACHE_ROOT" && GOFLAGS=-mod=mod go mod download -json "$1" 2>/dev/null) \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'  || true
}

fill_lws() {
  local dst="$UPSTREAM_DIR/lws"
  [ -f "$dst/SOURCE" ] && return
  rm -rf "$dst"; mkdir -p "$dst"
  local dir; dir="$(module_dir "sigs.k8s.io/lws@$LWS_MODULE_VERSION")"
  if [ -n "$dir" ]; then
    cp -r "$dir/config" "$dir/docs" "$dst/"; chmod -R u+w "$dst"
    echo "go module sigs.k8s.io/lws@$LWS_MODULE_VERSION" > "$dst/SOURCE"
  elif [ -f "$shared/lws/leaderworkerset-crd.yaml" ]; then
    mkdir -p "$dst/config/crd/bases" "$dst/docs"
    cp "$shared/lws/leaderworkerset-crd.yaml" "$dst/config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml"
    cp -r "$shared/lws/examples" "$dst/docs/examples"; chmod -R u+w "$dst"
    echo "shared fixtures (lws $LWS_MODULE_VERSION+, see $shared/lws/SOURCE.md)" > "$dst/SOURCE"
  else
    dir="$(module_dir "sigs.k8s.io/lws@v0.9.0")"
    [ -n "$dir" ] || { echo "cannot get the LWS CRD: the Go module proxy refuses sigs.k8s.io/lws and ../shared/fixtures is absent" >&2; exit 1; }
    cp -r "$dir/config" "$dir/docs" "$dst/"; chmod -R u+w "$dst"
    echo "go module sigs.k8s.io/lws@v0.9.0 (fallback: $LWS_MODULE_VERSION is not served)" > "$dst/SOURCE"
    log "WARNING: using LWS v0.9.0; the Go module proxy does not serve $LWS_MODULE_VERSION"
  fi
  log "LWS: $(cat "$dst/SOURCE")"
}

fill_kthena() {
  local dst="$UPSTREAM_DIR/kthena"
  [ -f "$dst/SOURCE" ] && return
  rm -rf "$dst"; mkdir -p "$dst"
  local dir; dir="$(module_dir "github.com/volcano-sh/kthena@$KTHENA_MODULE_VERSION")"
  if [ -n "$dir" ]; then
    mkdir -p "$dst/charts/kthena/charts"
    cp -r "$dir/charts/kthena/charts/workload" "$dst/charts/kthena/charts/"
    cp -r "$dir/examples" "$dst/"; chmod -R u+w "$dst"
    echo "go module github.com/volcano-sh/kthena@$KTHENA_MODULE_VERSION" > "$dst/SOURCE"
  elif [ -d "$shared/kthena/crds" ]; then
    mkdir -p "$dst/charts/kthena/charts/workload/crds" "$dst/examples"
    cp "$shared"/kthena/crds/workload.serving.volcano.sh_*.yaml "$dst/charts/kthena/charts/workload/crds/"
    cp -r "$shared/kthena/examples/model-serving" "$shared/kthena/examples/kthena-router" "$dst/examples/"
    chmod -R u+w "$dst"
    echo "shared fixtures (see $shared/kthena/SOURCE.md)" > "$dst/SOURCE"
  else
    rmdir "$dst" 2>/dev/null || true
    log "Kthena: not available (the Go module proxy does not serve github.com/volcano-sh/kthena and ../shared/fixtures is absent); tests against Kthena's CRD will be skipped"
    return
  fi
  log "Kthena: $(cat "$dst/SOURCE")"
}

mkdir -p "$UPSTREAM_DIR" "$CACHE_ROOT"
[ -f "$CACHE_ROOT/go.mod" ] || printf 'module local/upstream\n\ngo 1.24\n' > "$CACHE_ROOT/go.mod"
fill_lws
fill_kthena
echo "$UPSTREAM_DIR"
