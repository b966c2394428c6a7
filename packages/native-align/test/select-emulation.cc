// Runs topK's selectKernel (src/cuda/select.cuh) on the host, one std::thread per CUDA thread and a barrier
// per __syncthreads, against sorting every candidate, so that its logic is tested where no GPU is. Prints the
// number of rows checked and of mismatches; exits 1 on any mismatch.
#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

struct Dim {
  unsigned x = 0;
};
thread_local Dim threadIdx, blockIdx;
Dim blockDim;
std::barrier<>* blockBarrier;
alignas(16) unsigned char dynamicShared[1 << 16];
unsigned ballotVotes[1024];

#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__
#define __shared__ static
#define NA_DYNAMIC_SHARED(name) unsigned char* name = dynamicShared
inline void __syncthreads() { blockBarrier->arrive_and_wait(); }
inline uint32_t __float_as_uint(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
inline unsigned __popc(unsigned v) { return static_cast<unsigned>(__builtin_popcount(v)); }
inline unsigned atomicAdd(unsigned* p, unsigned v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
// The kernel calls it with every thread of the block, so block barriers can stand in for the warp's.
inline unsigned __ballot_sync(unsigned, bool vote) {
  ballotVotes[threadIdx.x] = vote;
  blockBarrier->arrive_and_wait();
  unsigned ballot = 0;
  for (unsigned lane = 0; lane < 32; ++lane) ballot |= (ballotVotes[(threadIdx.x & ~31u) + lane] ? 1u : 0u) << lane;
  blockBarrier->arrive_and_wait();
  return ballot;
}
using std::min;

#include "../src/cuda/select.cuh"

int main() {
  std::mt19937 random(42);
  std::uniform_real_distribution<float> uniform(-1, 1);
  int rowsChecked = 0, mismatches = 0;
  blockDim.x = SELECT_THREADS;
  // Row lengths around the block's width, k below and above them, and scores: continuous, few distinct values
  // (ties across chunks), with -Infinity / NaN / -0 / +0, and all equal.
  const size_t lengths[] = {5, 256, 257, 1000};
  const unsigned ks[] = {1, 8, 101, 300};
  for (int trial = 0; trial < 16; ++trial) {
    const size_t nb = lengths[trial % 4];
    const unsigned cap = std::min<unsigned>(ks[(trial / 4 + trial) % 4], static_cast<unsigned>(nb));
    const int kind = (trial / 2) % 4;
    const bool excludeSelf = trial % 2;
    const size_t rows = 2, firstRow = trial % 3;
    std::vector<float> tile(rows * nb);
    for (float& v : tile) {
      v = uniform(random);
      if (kind == 1) v = std::round(v * 4) / 4;
      if (kind == 2) {
        const unsigned r = random() % 8;
        v = r == 0 ? -INFINITY : r == 1 ? NAN : r == 2 ? -0.0f : r == 3 ? 0.0f : v;
      }
      if (kind == 3) v = 0.5f;
    }
    std::vector<int32_t> indices(rows * cap, 12345);
    std::vector<float> scores(rows * cap, 12345);
    for (size_t r = 0; r < rows; ++r) {
      std::barrier<> barrier(SELECT_THREADS);
      blockBarrier = &barrier;
      std::vector<std::thread> threads;
      for (unsigned t = 0; t < SELECT_THREADS; ++t)
        threads.emplace_back([&, t] {
          threadIdx.x = t;
          blockIdx.x = static_cast<unsigned>(r);
          selectKernel(tile.data(), nb, cap, firstRow, excludeSelf, indices.data(), scores.data());
        });
      for (auto& thread : threads) thread.join();
    }
    for (size_t r = 0; r < rows; ++r, ++rowsChecked) {
      // As the CPU's topK: not the row itself, scores above -Infinity, -0 as +0; best first, ties to the lower index.
      std::vector<std::pair<float, int32_t>> expected;
      for (size_t j = 0; j < nb; ++j) {
        const float s = tile[r * nb + j];
        if ((excludeSelf && j == firstRow + r) || !(s > -INFINITY)) continue;
        expected.push_back({s == 0 ? 0.0f : s, static_cast<int32_t>(j)});
      }
      std::sort(expected.begin(), expected.end(),
                [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
      for (unsigned p = 0; p < cap; ++p) {
        const int32_t index = p < expected.size() ? expected[p].second : -1;
        const float score = p < expected.size() ? expected[p].first : -INFINITY;
        const float got = scores[r * cap + p];
        if (indices[r * cap + p] != index || !(got == score) || std::signbit(got) != std::signbit(score)) {
          if (mismatches++ < 10)
            std::printf("trial %d row %zu rank %u: got %d %g, expected %d %g\n", trial, r, p, indices[r * cap + p], got,
                        index, score);
        }
      }
    }
  }
  std::printf("%d rows checked, %d mismatches\n", rowsChecked, mismatches);
  return mismatches ? 1 : 0;
}
