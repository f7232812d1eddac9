#!/usr/bin/env bash
# Runs selected integration tests against the running local cluster, skipping unit tests:
#   hack/it.sh ModelServingExamplesIT            (a class)
#   hack/it.sh 'ModelServingScalingIT#scale*'    (methods)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
source "$here/java-home.sh"
source "$here/control-plane-versions.sh"
cd "$repo"
"$here/build-helm.sh" >/dev/null   # cached after the first build
exec mvn -B -ntp -o -Pintegration verify -pl controller -am \
  "-Dupstream.dir=$("$here/upstream-sources.sh" --quiet)" "-Dit.kubeconfig=$repo/.local-cluster/kubeconfig" "-Dit.kubectl=$CP_BIN/kubectl" "-Dit.helm=$CP_BIN/helm" \
  "-Dit.test=${1:?usage: hack/it.sh TestClass[#method]}" -Dtest=NoUnitTests \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
