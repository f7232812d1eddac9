#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd and kwok from the Go
# module proxy into a cache outside the repository (see hack/control-plane-versions.sh), once.
# A cold build takes 20-40 minutes on 2 cores; later calls return at once.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=control-plane-versions.sh
source "$here/control-plane-versions.sh"

log() { printf '[build-control-plane %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null || die "Go is not installed. Install Go 1.24 or newer (apt-get install golang-go is too old on Debian 12; use the toolchain from go.dev) and run again."

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath
mkdir -p "$CP_BIN"
k8s_minor="${K8S_VERSION#v1.}"; staging_version="v0.${k8s_minor}"   # v1.34.4 -> v0.34.4

# Each binary records the version it was built for next to it; a mismatch rebuilds it.
built() { [ -x "$CP_BIN/$1" ] && [ "$(cat "$CP_BIN/$1.version" 2>/dev/null)" = "$2" ]; }
stamp() { printf '%s' "$2" > "$CP_BIN/$1.version"; }

build_kubernetes() {
  if built kube-apiserver "$K8S_VERSION" && built kube-controller-manager "$K8S_VERSION" \
     && built kube-scheduler "$K8S_VERSION" && built kubectl "$K8S_VERSION"; then
    log "Kubernetes $K8S_VERSION binaries are cached in $CP_BIN"; return; fi
  local src="$CP_CACHE/k8s-src"; mkdir -p "$src"; cd "$src"
  log "Kubernetes $K8S_VERSION: resolving modules (a consumer module in $src) ..."
  if [ ! -f go.sum ]; then
    rm -f go.mod
    go mod init local/k8sbins >/dev/null 2>&1
    go mod edit -go=1.24.0 -godebug=default=go1.24
    # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging;
    # replaces only work in the main module, so pin each one to the published staging version.
    local gomod; gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
    [ -f "$gomod" ] || die "could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy"
    local m
    for m in $(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$gomod"); do
      go mod edit -replace="$m=$m@$staging_version"
    done
    go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" \
      "k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION" \
      "k8s.io/kubernetes/cmd/kube-scheduler@$K8S_VERSION" \
      "k8s.io/kubernetes/cmd/kubectl@$K8S_VERSION"
  fi
  local ldf="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=${k8s_minor%%.*}"
    ldf+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  for bin in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    built "$bin" "$K8S_VERSION" && continue
    log "Kubernetes $K8S_VERSION: compiling $bin (the first one takes the longest) ..."
    go build -ldflags "$ldf" -o "$CP_BIN/$bin" "k8s.io/kubernetes/cmd/$bin"
    stamp "$bin" "$K8S_VERSION"
  done
}

build_etcd() {
  if built etcd "$ETCD_VERSION"; then log "etcd $ETCD_VERSION is cached"; return; fi
  local src="$CP_CACHE/etcd-src"; mkdir -p "$src"; cd "$src"
  log "etcd $ETCD_VERSION: resolving and compiling ..."
  if [ ! -f go.sum ]; then
    rm -f go.mod; go mod init local/etcdbin >/dev/null 2>&1
    go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  fi
  go build -ldflags "-s -w" -o "$CP_BIN/etcd" go.etcd.io/etcd/server/v3
  stamp etcd "$ETCD_VERSION"
}

build_kwok() {
  if built kwok "$KWOK_VERSION"; then log "kwok $KWOK_VERSION is cached"; return; fi
  log "kwok $KWOK_VERSION: resolving and compiling ..."
  GOBIN="$CP_BIN" go install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  stamp kwok "$KWOK_VERSION"
}

# kwok >= 0.8 has no built-in stages: collect upstream's "fast" node and pod stages from the module.
collect_kwok_stages() {
  local out="$CP_CACHE/kwok-stages.yaml"
  [ -s "$out" ] && return
  local dir; dir="$(go env GOMODCACHE)/sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage"
  [ -d "$dir" ] || (cd "$CP_CACHE" && go mod download "sigs.k8s.io/kwok@$KWOK_VERSION")
  local f first=1
  : > "$out.tmp"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    [ -f "$dir/$f" ] || die "kwok stage $dir/$f is missing"
    [ $first = 1 ] || echo '---' >> "$out.tmp"; first=0
    cat "$dir/$f" >> "$out.tmp"
  done
  mv "$out.tmp" "$out"
}

start=$(date +%s)
build_etcd
build_kwok
collect_kwok_stages
build_kubernetes
log "done in $(( $(date +%s) - start )) s; binaries in $CP_BIN"
