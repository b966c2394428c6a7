// CUDA versions of warpFaces and cosineMatrix (compiled only when CMake finds nvcc).
#pragma once

#include <string>

#include "../native_align.h"

namespace na::cuda {

// Empty when a CUDA device is usable, otherwise the reason. Probed once.
const std::string& deviceError();

// Same contracts as the CPU versions. Return an empty string on success, else the CUDA error.
std::string warpFaces(const WarpJob& job, float* out);
std::string cosineMatrix(const float* a, size_t na, const float* b, size_t nb, int dim, float* out);

}  // namespace na::cuda
