// vtensor/detail/buffer.hpp — uninitialised, aligned arrays of trivially copyable
// elements (field tables), recycled through a small process-wide pool.
//
// Why: a prover proving hundreds of tensors allocates a 2^{n-2}-entry table per
// sumcheck. Fresh pages cost a fault and a kernel zero-fill each (measured: a
// fifth of a 2^24 sumcheck on the 2-core VM); recycled blocks cost nothing. Large
// blocks are 2 MiB aligned and marked for transparent huge pages. The pool keeps at
// most kPoolBytes and never hands out a block smaller than asked.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <type_traits>
#include <vector>

namespace vtensor::detail {

class TablePool {
 public:
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  static constexpr std::size_t kPoolBytes = std::size_t{1} << 30;

  static TablePool& instance() {
    static TablePool pool;
    return pool;
  }

  // Returns a block of at least `bytes` bytes and its capacity.
  void* acquire(std::size_t bytes, std::size_t& capacity) {
    if (bytes >= kHuge) {
      std::lock_guard<std::mutex> lock(mu_);
      // Best fit among pooled blocks no more than twice the request.
      std::size_t best = free_.size();
      for (std::size_t i = 0; i < free_.size(); ++i)
        if (free_[i].bytes >= bytes && free_[i].bytes <= 2 * bytes &&
            (best == free_.size() || free_[i].bytes < free_[best].bytes))
          best = i;
      if (best != free_.size()) {
        Block b = free_[best];
        free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(best));
        pooled_ -= b.bytes;
        capacity = b.bytes;
        return b.ptr;
      }
    }
    const std::size_t align = bytes >= kHuge ? kHuge : 64;
    capacity = bytes == 0 ? align : ((bytes + align - 1) / align) * align;
    void* p = std::aligned_alloc(align, capacity);
    if (!p) throw std::bad_alloc();
    return p;
  }

  void release(void* p, std::size_t capacity) noexcept {
    if (capacity >= kHuge) {
      std::lock_guard<std::mutex> lock(mu_);
      if (pooled_ + capacity <= kPoolBytes) {
        try {
          free_.push_back({p, capacity});
          pooled_ += capacity;
          return;
        } catch (...) {
        }
      }
    }
    std::free(p);
  }

  ~TablePool() {
    for (auto& b : free_) std::free(b.ptr);
  }

 private:
  struct Block {
    void* ptr;
    std::size_t bytes;
  };
  std::mutex mu_;
  std::vector<Block> free_;
  std::size_t pooled_ = 0;
};

struct PoolDeleter {
  std::size_t capacity = 0;
  void operator()(void* p) const noexcept { TablePool::instance().release(p, capacity); }
};

template <class T>
using UninitArray = std::unique_ptr<T[], PoolDeleter>;

template <class T>
UninitArray<T> make_uninit_array(std::size_t n) {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
  std::size_t capacity = 0;
  void* p = TablePool::instance().acquire(n * sizeof(T), capacity);
  return UninitArray<T>(static_cast<T*>(p), PoolDeleter{capacity});
}

}  // namespace vtensor::detail
