// CUDA versions of warpFaces, cosineMatrix and topK (compiled only when CMake finds nvcc).
#pragma once

#include <string>

#include "../native_align.h"

namespace na::cuda {

// Empty when a CUDA device is usable, otherwise the reason. Probed once.
const std::string& deviceError();

// Same contracts as the CPU versions. Return an empty string on success, else the CUDA error.
std::string warpFaces(const WarpJob& job, float* out);
std::string cosineMatrix(const float* a, size_t na, const float* b, size_t nb, int dim, float* out);

// Largest min(k, nb) topK supports: the candidates of a row are sorted in shared memory.
constexpr size_t kTopKMaxK = 2048;
std::string topK(const float* a, size_t na, const float* b, size_t nb, int dim, size_t k, bool excludeSelf,
                 int32_t* indices, float* scores);

}  // namespace na::cuda
