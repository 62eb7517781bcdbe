// vtensor/detail/parallel.hpp — the few OpenMP idioms the CPU code uses.
//
// Work is cut into contiguous chunks, one per thread, so each thread streams its
// own slice of memory. Field arithmetic is exact, so the order in which per-thread
// partial results are combined never changes a result: outputs are deterministic
// whatever the thread count.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace vtensor::detail {

inline int max_threads() noexcept {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

// Below this many elements a loop runs on one thread: fork/join costs ~µs.
inline constexpr std::size_t kParallelGrain = std::size_t{1} << 14;

// Calls body(begin, end, thread_index) on disjoint chunks covering [0, n).
// Returns the number of chunks used (≤ max_threads()).
// Loops shorter than `grain` items run on the calling thread.
template <class Body>
int parallel_chunks(std::size_t n, std::size_t grain, Body&& body) {
  const int want = n < grain ? 1 : std::max(1, max_threads());
  if (want == 1) {
    body(std::size_t{0}, n, 0);
    return 1;
  }
#if defined(_OPENMP)
#pragma omp parallel num_threads(want)
  {
    const int t = omp_get_thread_num();
    const int nt = omp_get_num_threads();
    const std::size_t lo = n * static_cast<std::size_t>(t) / static_cast<std::size_t>(nt);
    const std::size_t hi = n * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(nt);
    body(lo, hi, t);
  }
  return want;
#else
  body(std::size_t{0}, n, 0);
  return 1;
#endif
}

template <class Body>
int parallel_chunks(std::size_t n, Body&& body) {
  return parallel_chunks(n, kParallelGrain, std::forward<Body>(body));
}

// Runs body(i) for i in [0, n) in parallel when n is large enough.
template <class Body>
void parallel_for(std::size_t n, Body&& body) {
  parallel_chunks(n, [&](std::size_t lo, std::size_t hi, int) {
    for (std::size_t i = lo; i < hi; ++i) body(i);
  });
}

}  // namespace vtensor::detail
