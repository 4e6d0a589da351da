#!/usr/bin/env bash
# Validates the README's Kubernetes Job manifest against the Kubernetes API's own schemas, strict
# (unknown fields refused), with the `kubernetes-validate` package from PyPI (installed into the
# project's virtual environment when missing). No cluster is needed or contacted.
# Usage: scripts/k8s-validate.sh [KUBERNETES_VERSION...]   (default: 1.28.0 1.33.0 1.37.0)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${EDGEGRAD_VENV:-$HOME/.cache/edgegrad/venv}
versions=("$@")
if ((${#versions[@]} == 0)); then versions=(1.28.0 1.33.0 1.37.0); fi
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  "$venv/bin/python" -m pip install --quiet kubernetes-validate
fi
manifest=$(mktemp --suffix=.yaml)
trap 'rm -f "$manifest"' EXIT
awk '/^```yaml$/ { p = 1; next } p && /^```$/ { exit } p' "$repo/README.md" >"$manifest"
grep -q '^kind: Job$' "$manifest" || { echo "k8s-validate: no Job manifest in README.md" >&2; exit 1; }
for version in "${versions[@]}"; do
  "$venv/bin/kubernetes-validate" --strict --kubernetes-version "$version" "$manifest"
done
