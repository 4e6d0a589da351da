#!/usr/bin/env bash
# Every test, Rust and Python: the Rust crate's tests (`cargo test --release`), then the Python
# package (python/) built and installed into a virtual environment and its tests (pytest:
# numpy's own TestGradient/TestDiff against edgegrad, bit-for-bit property tests, the
# derivatives beyond numpy against scipy.ndimage, and `detect` against the `edgegrad detect`
# command).
#
#   scripts/test.sh                    # everything
#   scripts/test.sh --python-only      # only the Python package
#   EDGEGRAD_VENV=DIR scripts/test.sh  # the virtual environment to create or reuse
#                                      # (default: ~/.cache/edgegrad/venv)
#   HYPOTHESIS_PROFILE=thorough ...    # 3000 examples per property instead of 300
#   EDGEGRAD_NUMPY="numpy==1.26.*" EDGEGRAD_VENV=~/.cache/edgegrad/venv-np1 \
#     scripts/test.sh --python-only    # against another numpy (default: the newest)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${EDGEGRAD_VENV:-$HOME/.cache/edgegrad/venv}

if [ "${1:-}" != "--python-only" ]; then
  cargo test --release
fi

# A working virtual environment: reuse it, or make one (Debian keeps venv in python3-venv).
if ! "$venv/bin/python" -c "" 2>/dev/null; then
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    if command -v apt-get >/dev/null; then
      sudo=()
      if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
      "${sudo[@]}" apt-get update -qq
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    fi
    python3 -m venv "$venv"
  fi
fi
# As if activated: the build backend runs the environment's maturin from PATH.
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" install "maturin>=1.9.4,<2" "${EDGEGRAD_NUMPY:-numpy>=1.26}" scipy pytest hypothesis ruff
# Built by the environment's maturin into the workspace's target/ (incremental after the first).
"${pip[@]}" install --no-build-isolation --force-reinstall --no-deps ./python
# The command line that `detect`'s tests compare with (already built by `cargo test`).
cargo build --release --quiet --bin edgegrad
EDGEGRAD_BIN="$PWD/target/release/edgegrad" "$venv/bin/python" -m pytest -q python/tests
