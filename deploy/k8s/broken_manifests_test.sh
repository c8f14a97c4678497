#!/usr/bin/env bash
# Proves that scripts/k8s-validate fails on broken manifests: it validates an untouched copy of deploy/k8s (which must
# pass), then copies with one fault each, and requires each to fail naming the fault. Exit 77 (skipped) when the
# offline schemas are not there.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
VALIDATE=$ROOT/scripts/k8s-validate
WORK=$(mktemp -d)
trap 'rm -rf -- "$WORK"' EXIT
failures=0

# Runs the validator on a fresh copy of deploy/k8s after applying BREAK (a shell snippet run in the copy); requires
# exit status WANT_RC and, when WANT_TEXT is not empty, that text in its output.
check() {
  local name=$1 want_rc=$2 want_text=$3 break_it=$4 copy=$WORK/$1 rc=0
  rm -rf -- "$copy"
  cp -r -- "$ROOT/deploy/k8s" "$copy"
  (cd -- "$copy" && eval "$break_it")
  "$VALIDATE" "$copy" >"$WORK/$name.out" 2>&1 || rc=$?
  if ((rc == 77)); then
    cat -- "$WORK/$name.out"
    exit 77
  fi
  if ((rc != want_rc)) || { [[ -n $want_text ]] && ! grep -qF -- "$want_text" "$WORK/$name.out"; }; then
    printf 'FAIL %s: exit %d (want %d), output:\n' "$name" "$rc" "$want_rc"
    sed 's/^/  /' -- "$WORK/$name.out"
    failures=$((failures + 1))
  else
    printf 'ok   %s (exit %d)\n' "$name" "$rc"
  fi
}

check untouched 0 "Invalid: 0" ":"
check probe-field-typo 1 "additional properties 'sevice' not allowed" \
  "sed -i '0,/              port: 8081/s//              sevice: dispatch\n&/' base/dispatch.yaml"
check replicas-not-a-number 1 "got string, want null or integer" \
  "sed -i '0,/  replicas: 1/s//  replicas: \"one\"/' base/redis.yaml"
check topic-unknown-field 1 "additional properties 'retentionHours' not allowed" \
  "sed -i '0,/  replicas: 3/s//  retentionHours: 24\n&/' base/kafka-topics.yaml"
check scaledobject-max-not-a-number 1 "got string, want integer" \
  "sed -i '0,/  maxReplicaCount: 12/s//  maxReplicaCount: \"twelve\"/' base/autoscaling.yaml"
check duplicate-key 1 "" \
  "sed -i '0,/      automountServiceAccountToken: false/s//&\n      automountServiceAccountToken: true/' base/sla.yaml"
check missing-resource 1 "kustomize build dev failed" \
  "sed -i 's/  - redis.yaml/  - redis.yaml\n  - nonexistent.yaml/' base/kustomization.yaml"
check image-not-built 1 "image gridcase/konsole is not a stage" \
  "sed -i 's#gridcase/console:latest#gridcase/konsole:latest#' base/console.yaml"
check scaledobject-above-partitions 1 "maxReplicaCount 13 exceeds GRIDCASE_PARTITIONS 12" \
  "sed -i '0,/  maxReplicaCount: 12/s//  maxReplicaCount: 13/' base/autoscaling.yaml"
check stale-data-copy 1 "differs from services/sla/sla-policy.json" \
  "printf '\n' >>base/data/sla-policy.json"
check configmap-over-1mib 1 "ConfigMaps over 1 MiB (the API server refuses them): gridcase-examples" \
  "head -c 1100000 /dev/zero | tr '\\0' x >base/data/examples.tsv &&
   sed -i 's#^configMapGenerator:\$#&\n  - name: gridcase-examples\n    files:\n      - data/examples.tsv#' base/kustomization.yaml"

((failures == 0)) || { echo "$failures broken manifest(s) not rejected as expected"; exit 1; }
