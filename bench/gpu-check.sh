#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU and nvcc: builds native-align with its CUDA kernels, checks
# them against the CPU code (warpFaces, cosineMatrix, topK, sync and async), then prints the figures as one JSON
# object on stdout (the rest goes to stderr): the embedder's faces/s on the CUDA execution provider (ONNX Runtime
# falls back to CPU, saying so, where its CUDA libraries are missing), native warps/s and the k-NN search
# over 100k faces on the addon's CUDA kernels. Run from anywhere:
#   bash bench/gpu-check.sh [--faces N]
set -euo pipefail
cd "$(dirname "$0")/.."
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >&2
(cd packages/native-align && NATIVE_ALIGN_CUDA=1 npx cmake-js rebuild --parallel 8 >/dev/null)
node --input-type=module -e "import { backend } from '@facegroup/native-align'; const b = backend(); console.error('native-align backend', b); if (!b.cuda) process.exit(1);"
npx vitest run packages/native-align/test/cuda.test.ts >&2
FACE_EXECUTION_PROVIDER=cuda npx tsx bench/gpu-figures.ts "$@"
