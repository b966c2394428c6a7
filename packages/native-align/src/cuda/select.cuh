// selectKernel of topK, in a header of its own so that test/cuda-select.test.ts can also run it on the host
// (one std::thread per CUDA thread): it is included inside kernels.cu's namespace, after <cuda_runtime.h>.
#pragma once

// The block's dynamic shared memory; the host emulation declares it its own way.
#ifndef NA_DYNAMIC_SHARED
#define NA_DYNAMIC_SHARED(name) extern __shared__ unsigned char name[]
#endif

constexpr int SELECT_THREADS = 256;

// -0 and +0 tie, as on the CPU.
__device__ __forceinline__ float canonical(float s) { return s == 0.0f ? 0.0f : s; }

// Unsigned key in the order of the scores.
__device__ __forceinline__ uint32_t orderKey(float s) {
  const uint32_t u = __float_as_uint(canonical(s));
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// One block per row of a score tile (first row of the tile: firstRow of a). Writes the row's best
// want = min(cap, candidates) columns to out[row * cap ...], sorted by score, ties to the lower index, and
// pads the rest with -1 / -Infinity. Candidates are as on the CPU: not the row itself when excludeSelf, and a
// score above -Infinity (which also leaves out NaN). The want-th best key is found exactly by radix selection
// (4 passes of 8 bits), its ties are taken by lowest index, and the few kept are ranked in shared memory.
__global__ void selectKernel(const float* __restrict__ tile, size_t nb, unsigned cap, size_t firstRow, bool excludeSelf,
                             int32_t* __restrict__ outIndex, float* __restrict__ outScore) {
  NA_DYNAMIC_SHARED(shared);
  float* keptScore = reinterpret_cast<float*>(shared);  // cap scores, then cap indices
  int32_t* keptIndex = reinterpret_cast<int32_t*>(keptScore + cap);
  __shared__ unsigned hist[256];
  __shared__ unsigned warpTies[SELECT_THREADS / 32];
  __shared__ unsigned want, need, above, taken;
  __shared__ uint32_t chosen;

  const size_t r = blockIdx.x;
  const float* row = tile + r * nb;
  const size_t self = excludeSelf ? firstRow + r : ~size_t{0};
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const auto candidate = [&](size_t j, float s) { return j != self && s > -INFINITY; };

  // need: how many of the keys that match the bits chosen so far are still to take, from the top.
  uint32_t prefix = 0, mask = 0;
  for (int pass = 0; pass < 4; ++pass) {
    const int shift = 24 - 8 * pass;
    for (int b = tid; b < 256; b += blockDim.x) hist[b] = 0;
    __syncthreads();
    for (size_t j = tid; j < nb; j += blockDim.x) {
      const float s = row[j];
      if (!candidate(j, s)) continue;
      const uint32_t key = orderKey(s);
      if ((key & mask) == prefix) atomicAdd(&hist[(key >> shift) & 255u], 1u);
    }
    __syncthreads();
    if (tid == 0) {
      if (pass == 0) {
        unsigned total = 0;
        for (int b = 0; b < 256; ++b) total += hist[b];
        want = need = min(total, cap);
      }
      // The bin holding the need-th largest key; the keys in bins above it are all taken.
      unsigned higher = 0;
      int b = 255;
      while (b > 0 && higher + hist[b] < need) higher += hist[b--];
      need -= higher;
      chosen = prefix | (static_cast<uint32_t>(b) << shift);
    }
    __syncthreads();
    if (want == 0) break;
    prefix = chosen;
    mask |= 255u << shift;
  }

  const unsigned kept = want;
  if (kept > 0) {
    // prefix is now the want-th best key: take every key above it, and its ties from the lowest index.
    const unsigned ties = need, aboveCount = kept - need;
    if (tid == 0) above = taken = 0;
    __syncthreads();
    for (size_t base = 0; base < nb; base += blockDim.x) {
      const size_t j = base + tid;
      const float s = j < nb ? canonical(row[j]) : 0.0f;
      const bool ok = j < nb && candidate(j, s);
      const uint32_t key = ok ? orderKey(s) : 0;
      if (ok && key > prefix) {
        const unsigned at = atomicAdd(&above, 1u);
        keptScore[at] = s;
        keptIndex[at] = static_cast<int32_t>(j);
      }
      const bool tie = ok && key == prefix;
      // Rank of this tie among the chunk's, in index order: ballots within the warp, counts across warps.
      const unsigned ballot = __ballot_sync(0xffffffffu, tie);
      if (lane == 0) warpTies[warp] = __popc(ballot);
      __syncthreads();
      unsigned rank = __popc(ballot & ((1u << lane) - 1u)), chunkTies = 0;
      for (int w = 0; w < SELECT_THREADS / 32; ++w) {
        if (w < warp) rank += warpTies[w];
        chunkTies += warpTies[w];
      }
      const unsigned before = taken;
      if (tie && before + rank < ties) {
        keptScore[aboveCount + before + rank] = s;
        keptIndex[aboveCount + before + rank] = static_cast<int32_t>(j);
      }
      __syncthreads();
      if (tid == 0) taken = before + chunkTies;
      __syncthreads();
    }
    for (unsigned c = tid; c < kept; c += blockDim.x) {
      const float s = keptScore[c];
      const int32_t j = keptIndex[c];
      unsigned rank = 0;
      for (unsigned o = 0; o < kept; ++o) rank += keptScore[o] > s || (keptScore[o] == s && keptIndex[o] < j);
      outIndex[r * cap + rank] = j;
      outScore[r * cap + rank] = s;
    }
  }
  for (unsigned c = kept + tid; c < cap; c += blockDim.x) {
    outIndex[r * cap + c] = -1;
    outScore[r * cap + c] = -INFINITY;
  }
}
