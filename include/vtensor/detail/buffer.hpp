// vtensor/detail/buffer.hpp — uninitialised, cache-line aligned arrays of trivially
// copyable elements (field tables): no zero-fill pass, and pages are first
// touched by the thread that writes them.
#pragma once

#include <cstdlib>
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
  const std::size_t bytes = ((n * sizeof(T) + 63) / 64) * 64;
  void* p = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
  if (!p) throw std::bad_alloc();
  return UninitArray<T>(static_cast<T*>(p));
}

}  // namespace vtensor::detail
