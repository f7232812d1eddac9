# Versions of the local control plane, sourced by hack/*.sh. Changing one triggers a rebuild
# into a new cache directory; the old one can be deleted by hand.
K8S_VERSION=v1.34.4          # kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
ETCD_VERSION=v3.6.14         # etcd server (kubeadm pairs 3.6.x with Kubernetes 1.34)
KWOK_VERSION=v0.8.0          # fake nodes and pod lifecycle
HELM_VERSION=v3.19.5         # helm CLI for the chart tests (hack/build-helm.sh)
# Upstream API sources: the LWS CRD and examples, the Kthena CRDs and examples.
LWS_MODULE_VERSION=v0.10.0
KTHENA_MODULE_VERSION=v0.3.0

CACHE_ROOT="${MODELSERVING_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modelserving-controller}"
CP_CACHE="$CACHE_ROOT/control-plane-${K8S_VERSION}-etcd-${ETCD_VERSION}-kwok-${KWOK_VERSION}"
CP_BIN="$CP_CACHE/bin"
