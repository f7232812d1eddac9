#!/usr/bin/env bash
# Runs the real upstream LWS controller (component lws-upstream, hack/components/lws-upstream.sh)
# against the local cluster, only while asked to: it acts on every LeaderWorkerSet, as ours does.
#
#   hack/upstream-lws.sh start    start it (building and preparing it first if needed) and register
#                                 its webhooks; returns once the API server calls them
#   hack/upstream-lws.sh stop     remove its webhook configurations, then stop the process (its PID only)
#   hack/upstream-lws.sh status
#
# Uses the cluster of this checkout (.local-cluster/, LOCAL_CLUSTER_PORT_BASE as for local-cluster.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${1:-}" in
  start|stop|status) exec "$here/local-cluster.sh" component lws-upstream "$1" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
