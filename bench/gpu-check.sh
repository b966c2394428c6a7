#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU and nvcc: builds native-align with its CUDA kernels, checks
# them against the CPU code (warpFaces, cosineMatrix), and prints the benchmark on the CUDA execution provider
# (ONNX Runtime falls back to CPU, saying so, where its CUDA libraries are missing). Run from anywhere:
#   bash bench/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
(cd packages/native-align && NATIVE_ALIGN_CUDA=1 npx cmake-js rebuild --parallel 8 >/dev/null)
node --input-type=module -e "import { backend } from '@facegroup/native-align'; const b = backend(); console.log('native-align backend', b); if (!b.cuda) process.exit(1);"
npx vitest run packages/native-align/test/cuda.test.ts
FACE_EXECUTION_PROVIDER=cuda pnpm bench --native-device cuda "$@"
