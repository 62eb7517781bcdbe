// vtensor/hash/merkle.hpp — binary Merkle trees over rows of field elements or byte strings.
//
// Hashing rules, paths, multipaths, wire formats and verification: merkle_path.hpp
// and docs/merkle.md. leaf(bytes) = SHA-256(0x00 || bytes), node(l, r) = SHA-256(0x01 || l || r).
//
// Layout: all levels in one array in heap order, nodes[1] = root, the children of
// nodes[p] are nodes[2p], nodes[2p+1], and leaf i is nodes[n + i] (n = 2^d leaves,
// 2n digests in all, nodes[0] unused). Siblings are adjacent, so a node's message
// after the tag is 64 contiguous bytes, and every level is one contiguous run.
//
// Build: the leaves are cut into chunks of C = 2^k leaves; each OpenMP task hashes
// one chunk's leaves and then that chunk's whole subtree while its digests are
// still in cache (C·32 bytes <= 32 KiB); the few levels above the chunk roots come
// last. Leaves and nodes are hashed four at a time with the interleaved SHA-NI
// kernel (sha256.hpp); a row of Goldilocks elements is hashed in place.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <utility>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "vtensor/error.hpp"
#include "vtensor/field/concepts.hpp"
#include "vtensor/hash/merkle_path.hpp"
#include "vtensor/hash/sha256.hpp"

namespace vtensor {

// Default leaf width (field elements per leaf) for committing a flat vector. With
// w Goldilocks elements a leaf message is 8w+1 bytes = w/8 + 1 compressions (one
// of them padding), and each leaf adds one 2-compression node: the hashing work per
// input byte is (w/8 + 3) / (w/8) of a bare SHA-256, 1.38x at w = 64.
inline constexpr std::size_t kMerkleDefaultLeafWidth = 64;

namespace detail {

// out[k] = node(children[2k], children[2k+1]) for k < count.
inline void merkle_hash_nodes(const Digest* children, Digest* out, std::size_t count, Sha256Backend backend) {
  std::size_t k = 0;
  for (; k + 4 <= count; k += 4) {
    const Digest* a[4] = {children + 2 * k, children + 2 * k + 2, children + 2 * k + 4, children + 2 * k + 6};
    const Digest* b[4] = {a[0] + 1, a[1] + 1, a[2] + 1, a[3] + 1};
    Digest* o[4] = {out + k, out + k + 1, out + k + 2, out + k + 3};
    sha256_prefixed_pair_x4(kMerkleNodeTag, a, b, o, backend);
  }
  for (; k < count; ++k) out[k] = merkle_node_hash(children[2 * k], children[2 * k + 1], backend);
}

// out[k] = leaf(data[k·len .. (k+1)·len)) for k < count: equal-length leaves laid out back to back.
inline void merkle_hash_strided_leaves(const std::uint8_t* data, std::size_t len, std::size_t count, Digest* out,
                                       Sha256Backend backend) {
  std::size_t k = 0;
  for (; k + 4 <= count; k += 4) {
    const std::uint8_t* m[4] = {data + k * len, data + (k + 1) * len, data + (k + 2) * len, data + (k + 3) * len};
    Digest* o[4] = {out + k, out + k + 1, out + k + 2, out + k + 3};
    sha256_prefixed_x4(kMerkleLeafTag, m, len, o, backend);
  }
  for (; k < count; ++k) out[k] = sha256_prefixed(kMerkleLeafTag, data + k * len, len);
}

// A heap of digests allocated without zero-filling: the build writes every entry, and
// clearing 64·n bytes first would cost ~5% of the build. Digest is an implicit-lifetime
// type (trivially copyable and destructible), so raw storage from operator new holds it.
// Large arrays are 2 MiB aligned and, on Linux, marked for transparent huge pages: a
// fresh 64 MiB array otherwise takes 16384 page faults, ~20% of a 2^24-element build
// with 16-element leaves.
class DigestArray {
 public:
  static constexpr std::size_t kHugeAlign = std::size_t{2} << 20;

  DigestArray() = default;
  explicit DigestArray(std::size_t n) : p_(allocate(n)), n_(n) {}
  DigestArray(const DigestArray& o) : DigestArray(o.n_) {
    if (n_) std::memcpy(p_, o.p_, n_ * sizeof(Digest));
  }
  DigestArray(DigestArray&& o) noexcept : p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  DigestArray& operator=(DigestArray o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  ~DigestArray() { release(p_, n_); }

  Digest* data() noexcept { return p_; }
  const Digest* data() const noexcept { return p_; }
  std::size_t size() const noexcept { return n_; }
  Digest& operator[](std::size_t i) noexcept { return p_[i]; }
  const Digest& operator[](std::size_t i) const noexcept { return p_[i]; }

 private:
  // From 32 MiB on, glibc's malloc always maps fresh pages (its largest mmap threshold),
  // so only there are huge pages a pure gain; smaller arrays come from reusable heap.
  static bool huge(std::size_t n) noexcept { return n * sizeof(Digest) >= (std::size_t{32} << 20); }
  static Digest* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(Digest);
    if (!huge(n)) return static_cast<Digest*>(::operator new(bytes));
    void* p = ::operator new(bytes, std::align_val_t{kHugeAlign});
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(p, bytes, MADV_HUGEPAGE);  // advisory; failure just means small pages
#endif
    return static_cast<Digest*>(p);
  }
  static void release(Digest* p, std::size_t n) noexcept {
    if (!p) return;
    if (huge(n)) ::operator delete(p, std::align_val_t{kHugeAlign});
    else ::operator delete(p);
  }

  Digest* p_ = nullptr;
  std::size_t n_ = 0;
};

inline int merkle_max_threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace detail

// A multipath over `indices` (in range, any order, repeats allowed) of a tree of depth D:
// node(p, l) is the digest at heap position p (the root is 1, leaf i is 2^D + i) on level l
// (0 = leaves). The siblings are those of MerkleMultiPath, in its order.
template <class Node>
MerkleMultiPath merkle_open_multi(unsigned depth, std::span<const std::uint64_t> indices, Node&& node) {
  if (indices.empty()) throw ArgumentError("Merkle multipath needs at least one index");
  const std::uint64_t n = std::uint64_t{1} << depth;
  std::vector<std::uint64_t> cur;  // heap positions of the known nodes, sorted, distinct
  cur.reserve(indices.size());
  for (std::uint64_t i : indices) cur.push_back(n + i);
  std::sort(cur.begin(), cur.end());
  cur.erase(std::unique(cur.begin(), cur.end()), cur.end());
  MerkleMultiPath mp;
  mp.depth = depth;
  for (unsigned l = 0; l < depth; ++l) {
    std::size_t w = 0;
    for (std::size_t k = 0; k < cur.size(); ++k) {
      const std::uint64_t p = cur[k];
      if ((p & 1) == 0 && k + 1 < cur.size() && cur[k + 1] == p + 1) ++k;  // both children known
      else mp.siblings.push_back(node(p ^ 1, l));
      cur[w++] = p >> 1;
    }
    cur.resize(w);
  }
  return mp;
}

class MerkleTree {
 public:
  MerkleTree() = default;

  // Leaf i = elems[i·w .. (i+1)·w), w = leaf_width. elems.size() / w must be a power of two.
  template <Field F>
  static MerkleTree from_rows(std::span<const F> elems, std::size_t leaf_width,
                              Sha256Backend backend = Sha256Backend::kAuto) {
    if (leaf_width == 0) throw ArgumentError("Merkle leaf width must be positive");
    if (elems.size() % leaf_width != 0)
      throw ArgumentError("Merkle tree: " + std::to_string(elems.size()) + " elements are not a multiple of the leaf width " +
                          std::to_string(leaf_width));
    const std::uint64_t n = elems.size() / leaf_width;
    const std::size_t row_bytes = leaf_width * F::kByteSize;
    MerkleTree t;
    t.build(
        n,
        [&](std::uint64_t first, std::size_t count, Digest* out) {
          if constexpr (kFieldBytesInMemory<F>) {
            const auto* base = reinterpret_cast<const std::uint8_t*>(elems.data() + first * leaf_width);
            detail::merkle_hash_strided_leaves(base, row_bytes, count, out, backend);
          } else {  // serialize four rows at a time into a scratch buffer
            std::vector<std::uint8_t> buf(4 * row_bytes);
            for (std::size_t k = 0; k < count; k += 4) {
              const std::size_t g = std::min<std::size_t>(4, count - k);
              field_row_bytes(elems.subspan((first + k) * leaf_width, g * leaf_width), buf.data());
              detail::merkle_hash_strided_leaves(buf.data(), row_bytes, g, out + k, backend);
            }
          }
        },
        row_bytes, backend);
    return t;
  }

  // Leaf i = leaves[i] (any lengths). leaves.size() must be a power of two.
  static MerkleTree from_leaves(std::span<const std::vector<std::uint8_t>> leaves,
                                Sha256Backend backend = Sha256Backend::kAuto) {
    std::size_t total = 0;
    for (const auto& l : leaves) total += l.size();
    MerkleTree t;
    t.build(
        leaves.size(),
        [&](std::uint64_t first, std::size_t count, Digest* out) {
          std::size_t k = 0;
          for (; k + 4 <= count; k += 4) {
            const auto& a = leaves[first + k];
            const std::size_t len = a.size();
            bool same = true;
            for (int l = 1; l < 4; ++l) same = same && leaves[first + k + l].size() == len;
            if (same) {
              const std::uint8_t* m[4] = {a.data(), leaves[first + k + 1].data(), leaves[first + k + 2].data(),
                                          leaves[first + k + 3].data()};
              Digest* o[4] = {out + k, out + k + 1, out + k + 2, out + k + 3};
              sha256_prefixed_x4(kMerkleLeafTag, m, len, o, backend);
            } else {
              for (int l = 0; l < 4; ++l) out[k + l] = merkle_leaf_hash(leaves[first + k + l]);
            }
          }
          for (; k < count; ++k) out[k] = merkle_leaf_hash(leaves[first + k]);
        },
        leaves.empty() ? 0 : total / leaves.size() + 1, backend);
    return t;
  }

  // Leaf digests computed elsewhere (e.g. streamed with MerkleLeafHasher).
  static MerkleTree from_leaf_hashes(std::span<const Digest> leaf_hashes,
                                     Sha256Backend backend = Sha256Backend::kAuto) {
    MerkleTree t;
    t.build(
        leaf_hashes.size(),
        [&](std::uint64_t first, std::size_t count, Digest* out) {
          std::copy_n(leaf_hashes.begin() + static_cast<std::ptrdiff_t>(first), count, out);
        },
        Digest::kSize, backend);
    return t;
  }

  bool empty() const noexcept { return n_ == 0; }
  unsigned depth() const noexcept { return depth_; }
  std::uint64_t num_leaves() const noexcept { return n_; }
  const Digest& root() const {
    require_built();
    return nodes_[1];
  }
  const Digest& leaf_hash(std::uint64_t index) const { return node(0, index); }
  // Level 0 = leaves, level depth() = root; i < 2^(depth - level).
  const Digest& node(unsigned level, std::uint64_t i) const {
    require_built();
    if (level > depth_ || i >= (n_ >> level))
      throw ArgumentError("Merkle node (" + std::to_string(level) + ", " + std::to_string(i) + ") out of range");
    return nodes_[(n_ >> level) + i];
  }
  // The heap-ordered array (2n digests, [0] unused).
  std::span<const Digest> nodes() const noexcept { return {nodes_.data(), nodes_.size()}; }

  // Authentication path of leaf `index`: d siblings, bottom-up.
  MerklePath open(std::uint64_t index) const {
    require_index(index);
    MerklePath p;
    p.siblings.reserve(depth_);
    for (std::uint64_t pos = n_ + index; pos > 1; pos >>= 1) p.siblings.push_back(nodes_[pos ^ 1]);
    return p;
  }

  // One multipath for all `indices` (any order, repeats allowed; they do not change
  // the proof). See MerkleMultiPath for which siblings are sent and in what order.
  MerkleMultiPath open_multi(std::span<const std::uint64_t> indices) const {
    for (std::uint64_t i : indices) require_index(i);
    return merkle_open_multi(depth_, indices, [&](std::uint64_t p, unsigned) -> const Digest& { return nodes_[p]; });
  }

 private:
  void require_built() const {
    if (n_ == 0) throw ArgumentError("Merkle tree is empty");
  }
  void require_index(std::uint64_t index) const {
    require_built();
    if (index >= n_)
      throw ArgumentError("Merkle leaf index " + std::to_string(index) + " >= " + std::to_string(n_) + " leaves");
  }

  // hash_leaves(first, count, out) writes the digests of leaves [first, first+count).
  // leaf_bytes is the (average) input per leaf, used only to decide on threading.
  template <class LeafFn>
  void build(std::uint64_t n, LeafFn&& hash_leaves, std::size_t leaf_bytes, Sha256Backend backend) {
    if (n == 0 || !std::has_single_bit(n))
      throw ArgumentError("Merkle tree needs a power-of-two number of leaves, got " + std::to_string(n));
    const unsigned depth = static_cast<unsigned>(std::countr_zero(n));
    if (depth > kMerkleMaxDepth)
      throw ArgumentError("Merkle tree depth " + std::to_string(depth) + " exceeds kMerkleMaxDepth");
    n_ = n;
    depth_ = depth;
    nodes_ = detail::DigestArray(2 * n);
    nodes_[0] = Digest{};  // unused
    const int threads = detail::merkle_max_threads();
    // Chunk: at most 1024 leaves (32 KiB of digests), at least 8 chunks per thread.
    std::uint64_t chunk = std::min<std::uint64_t>(n, 1024);
    while (chunk > 1 && n / chunk < 8 * static_cast<std::uint64_t>(threads)) chunk >>= 1;
    const std::int64_t chunks = static_cast<std::int64_t>(n / chunk);
    [[maybe_unused]] const bool parallel = threads > 1 && n * (leaf_bytes + 64) >= (std::uint64_t{1} << 17);
    Digest* nodes = nodes_.data();
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
#endif
    for (std::int64_t c = 0; c < chunks; ++c) {
      const std::uint64_t uc = static_cast<std::uint64_t>(c);
      hash_leaves(uc * chunk, static_cast<std::size_t>(chunk), nodes + n + uc * chunk);
      // Level with `width` nodes per chunk starts at heap position `base`.
      for (std::uint64_t width = chunk / 2, base = n / 2; width >= 1; width >>= 1, base >>= 1)
        detail::merkle_hash_nodes(nodes + 2 * (base + uc * width), nodes + base + uc * width, width, backend);
    }
    // Levels above the chunk roots (heap positions [1, chunks)).
    for (std::uint64_t base = static_cast<std::uint64_t>(chunks) / 2; base >= 1; base >>= 1) {
      const std::int64_t blocks = static_cast<std::int64_t>((base + 255) / 256);
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) if (parallel && base >= 1024)
#endif
      for (std::int64_t b = 0; b < blocks; ++b) {
        const std::uint64_t lo = static_cast<std::uint64_t>(b) * 256, cnt = std::min<std::uint64_t>(256, base - lo);
        detail::merkle_hash_nodes(nodes + 2 * (base + lo), nodes + base + lo, cnt, backend);
      }
    }
  }

  detail::DigestArray nodes_;
  std::uint64_t n_ = 0;
  unsigned depth_ = 0;
};

// Incremental leaf hash: absorb a leaf's bytes in any number of pieces (e.g. the
// chunks of one column of an interleaved codeword, as rows stream in), then
// finalize() = merkle_leaf_hash(all bytes absorbed, in order) and start a new leaf.
class MerkleLeafHasher {
 public:
  MerkleLeafHasher() { h_.update_u8(kMerkleLeafTag); }
  MerkleLeafHasher& absorb(std::span<const std::uint8_t> bytes) {
    h_.update(bytes);
    return *this;
  }
  template <Field F>
  MerkleLeafHasher& absorb_row(std::span<const F> elems) {
    if constexpr (kFieldBytesInMemory<F>) {
      h_.update(elems.data(), elems.size() * F::kByteSize);
    } else {
      std::uint8_t buf[32 * F::kByteSize];
      for (std::size_t k = 0; k < elems.size(); k += 32) {
        const std::size_t g = std::min<std::size_t>(32, elems.size() - k);
        field_row_bytes(elems.subspan(k, g), buf);
        h_.update(buf, g * F::kByteSize);
      }
    }
    return *this;
  }
  template <Field F>
  MerkleLeafHasher& absorb_element(const F& x) {
    std::uint8_t buf[F::kByteSize];
    x.to_bytes(buf);
    h_.update(buf, F::kByteSize);
    return *this;
  }
  Digest finalize() {
    Digest d = h_.finalize();
    h_.update_u8(kMerkleLeafTag);
    return d;
  }

 private:
  Sha256 h_;
};

}  // namespace vtensor
