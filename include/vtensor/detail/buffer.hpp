// vtensor/detail/buffer.hpp — uninitialised, cache-line aligned arrays of trivially
// copyable elements (field tables): no zero-fill pass, and pages are first
// touched by the thread that writes them.
#pragma once

#include <cstdlib>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include <memory>
#include <new>
#include <type_traits>

namespace vtensor::detail {

struct FreeDeleter {
  void operator()(void* p) const noexcept { std::free(p); }
};

template <class T>
using UninitArray = std::unique_ptr<T[], FreeDeleter>;

template <class T>
UninitArray<T> make_uninit_array(std::size_t n) {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
  // Large tables are 2 MiB aligned and marked for transparent huge pages: a
  // 256 MiB table otherwise costs 65,536 page faults on first touch.
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  const std::size_t raw = n * sizeof(T);
  const std::size_t align = raw >= kHuge ? kHuge : 64;
  const std::size_t bytes = raw == 0 ? align : ((raw + align - 1) / align) * align;
  void* p = std::aligned_alloc(align, bytes);
  if (!p) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
  if (align == kHuge) ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return UninitArray<T>(static_cast<T*>(p));
}

}  // namespace vtensor::detail
