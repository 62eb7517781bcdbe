// vtensor/hash/merkle_path.hpp — Merkle hashing rules, authentication paths, multipaths,
// their wire formats and verification. This is all a verifier needs; the prover-side
// tree lives in merkle.hpp. Specification: docs/merkle.md.
//
// Hashes (H = SHA-256, || = concatenation, tags are single bytes):
//   leaf(bytes)  = H(0x00 || bytes)              bytes of a field row = to_bytes of each element, in order
//   node(l, r)   = H(0x01 || l || r)             l, r the 32-byte child digests, left = even index
// The distinct first byte separates the two domains: a leaf can never be passed off
// as an internal node or vice versa without a SHA-256 collision between them.
// The depth d is fixed and known to the verifier: a tree has exactly 2^d leaves
// (level 0 = leaves, level d = root) and every path has exactly d siblings.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/field/concepts.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/hash/sha256.hpp"
#include "vtensor/io/bytes.hpp"

namespace vtensor {

inline constexpr std::uint8_t kMerkleLeafTag = 0x00;
inline constexpr std::uint8_t kMerkleNodeTag = 0x01;
// Decoder caps: 2^48 leaves is far past any tensor we commit (a 7B model is 2^33
// entries), and a multipath never needs more siblings than that.
inline constexpr unsigned kMerkleMaxDepth = 48;
inline constexpr std::uint64_t kMerkleMaxMultiSiblings = std::uint64_t{1} << 24;

// True where an array of F in memory already is the canonical byte string (so a row
// is hashed in place, without serializing): Goldilocks stores its canonical word,
// and GoldilocksExt2 stores (c0, c1); both serialize little-endian.
template <class F>
inline constexpr bool kFieldBytesInMemory = false;
template <>
inline constexpr bool kFieldBytesInMemory<Goldilocks> =
    std::endian::native == std::endian::little && sizeof(Goldilocks) == Goldilocks::kByteSize;
template <>
inline constexpr bool kFieldBytesInMemory<GoldilocksExt2> =
    std::endian::native == std::endian::little && sizeof(GoldilocksExt2) == GoldilocksExt2::kByteSize;

// Canonical bytes of a row: to_bytes of every element, concatenated (row.size()·kByteSize bytes).
template <Field F>
void field_row_bytes(std::span<const F> row, std::uint8_t* out) {
  if constexpr (kFieldBytesInMemory<F>) {
    if (!row.empty()) std::memcpy(out, row.data(), row.size() * F::kByteSize);
  } else {
    for (const F& x : row) {
      x.to_bytes(out);
      out += F::kByteSize;
    }
  }
}

// leaf(bytes) = H(0x00 || bytes).
inline Digest merkle_leaf_hash(std::span<const std::uint8_t> leaf) {
  return sha256_prefixed(kMerkleLeafTag, leaf.data(), leaf.size());
}
// leaf of a row of field elements = H(0x00 || to_bytes(row[0]) || ... || to_bytes(row[w-1])).
template <Field F>
Digest merkle_row_hash(std::span<const F> row) {
  if constexpr (kFieldBytesInMemory<F>) {
    return sha256_prefixed(kMerkleLeafTag, reinterpret_cast<const std::uint8_t*>(row.data()),
                           row.size() * F::kByteSize);
  } else {
    std::vector<std::uint8_t> buf(row.size() * F::kByteSize);
    field_row_bytes(row, buf.data());
    return merkle_leaf_hash(buf);
  }
}
// node(l, r) = H(0x01 || l || r).
inline Digest merkle_node_hash(const Digest& left, const Digest& right,
                               Sha256Backend backend = Sha256Backend::kAuto) {
  return sha256_prefixed_pair(kMerkleNodeTag, left, right, backend);
}

namespace detail {
inline void write_digest(ByteWriter& w, const Digest& d) { w.bytes(d.bytes); }
inline Digest read_digest(ByteReader& r, const char* name) { return Digest::from_bytes(r.bytes(Digest::kSize, name).data()); }
}  // namespace detail

// Authentication path of one leaf: siblings[l] is the sibling of the leaf's ancestor
// at level l (siblings[0] is the leaf's own sibling), bottom-up, d entries.
// Wire format: u8 d (<= kMerkleMaxDepth) || d × 32-byte digests.
struct MerklePath {
  std::vector<Digest> siblings;

  friend bool operator==(const MerklePath&, const MerklePath&) = default;
  unsigned depth() const noexcept { return static_cast<unsigned>(siblings.size()); }

  void encode(ByteWriter& w) const {
    if (siblings.size() > kMerkleMaxDepth) throw ArgumentError("Merkle path deeper than kMerkleMaxDepth");
    w.u8(static_cast<std::uint8_t>(siblings.size()));
    for (const Digest& d : siblings) detail::write_digest(w, d);
  }
  static MerklePath decode(ByteReader& r) {
    const std::size_t at = r.position();
    const unsigned depth = r.u8();
    if (depth > kMerkleMaxDepth)
      r.fail("Merkle path depth " + std::to_string(depth) + " (at byte " + std::to_string(at) +
             ") exceeds the cap " + std::to_string(kMerkleMaxDepth));
    MerklePath p;
    p.siblings.reserve(depth);
    for (unsigned i = 0; i < depth; ++i) p.siblings.push_back(detail::read_digest(r, "Merkle path sibling"));
    return p;
  }
  std::vector<std::uint8_t> to_bytes() const {
    ByteWriter w;
    encode(w);
    return std::move(w).take();
  }
  // The whole buffer must be one path: trailing bytes are a DecodeError.
  static MerklePath from_bytes(std::span<const std::uint8_t> in) {
    ByteReader r(in, "MerklePath");
    MerklePath p = decode(r);
    r.finish();
    return p;
  }
};

// One proof for several leaves. For the distinct opened indices, level by level
// from the leaves up (and by increasing index within a level), it lists the sibling
// of every known node whose sibling is not itself known — known nodes being the
// opened leaves and, above them, parents of known nodes. Siblings the verifier can
// compute are omitted, so k leaves cost at most k·d digests and usually far fewer.
// Wire format: u8 d (<= kMerkleMaxDepth) || u64 count (<= kMerkleMaxMultiSiblings)
//              || count × 32-byte digests.
struct MerkleMultiPath {
  unsigned depth = 0;
  std::vector<Digest> siblings;

  friend bool operator==(const MerkleMultiPath&, const MerkleMultiPath&) = default;

  void encode(ByteWriter& w) const {
    if (depth > kMerkleMaxDepth) throw ArgumentError("Merkle multipath deeper than kMerkleMaxDepth");
    if (siblings.size() > kMerkleMaxMultiSiblings) throw ArgumentError("Merkle multipath has too many siblings");
    w.u8(static_cast<std::uint8_t>(depth));
    w.u64(siblings.size());
    for (const Digest& d : siblings) detail::write_digest(w, d);
  }
  static MerkleMultiPath decode(ByteReader& r) {
    MerkleMultiPath p;
    const std::size_t at = r.position();
    p.depth = r.u8();
    if (p.depth > kMerkleMaxDepth)
      r.fail("Merkle multipath depth " + std::to_string(p.depth) + " (at byte " + std::to_string(at) +
             ") exceeds the cap " + std::to_string(kMerkleMaxDepth));
    const std::uint64_t n = r.length(kMerkleMaxMultiSiblings, "Merkle multipath sibling count", Digest::kSize);
    p.siblings.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) p.siblings.push_back(detail::read_digest(r, "Merkle multipath sibling"));
    return p;
  }
  std::vector<std::uint8_t> to_bytes() const {
    ByteWriter w;
    encode(w);
    return std::move(w).take();
  }
  static MerkleMultiPath from_bytes(std::span<const std::uint8_t> in) {
    ByteReader r(in, "MerkleMultiPath");
    MerkleMultiPath p = decode(r);
    r.finish();
    return p;
  }
};

// Accepts iff depth <= kMerkleMaxDepth, index < 2^depth, the path has exactly
// `depth` siblings, and folding leaf_hash up the path (node(cur, sib) when the
// level-l index bit is 0, node(sib, cur) when it is 1) ends at root.
inline bool merkle_verify(const Digest& root, unsigned depth, std::uint64_t index, const Digest& leaf_hash,
                          const MerklePath& path) {
  if (depth > kMerkleMaxDepth || path.siblings.size() != depth) return false;
  if ((index >> depth) != 0) return false;  // depth <= 48, so the shift is defined
  Digest cur = leaf_hash;
  for (unsigned l = 0; l < depth; ++l) {
    const Digest& sib = path.siblings[l];
    cur = ((index >> l) & 1) ? merkle_node_hash(sib, cur) : merkle_node_hash(cur, sib);
  }
  return cur == root;
}
// The same from the leaf's bytes (hashed here as a leaf, never as a node).
inline bool merkle_verify_leaf(const Digest& root, unsigned depth, std::uint64_t index,
                               std::span<const std::uint8_t> leaf, const MerklePath& path) {
  return merkle_verify(root, depth, index, merkle_leaf_hash(leaf), path);
}
template <Field F>
bool merkle_verify_row(const Digest& root, unsigned depth, std::uint64_t index, std::span<const F> row,
                       const MerklePath& path) {
  return merkle_verify(root, depth, index, merkle_row_hash<F>(row), path);
}

// Number of siblings a multipath for these indices carries (duplicates and order
// do not matter). Indices must be < 2^depth.
inline std::uint64_t merkle_multi_sibling_count(unsigned depth, std::span<const std::uint64_t> indices) {
  std::vector<std::uint64_t> cur(indices.begin(), indices.end());
  std::sort(cur.begin(), cur.end());
  cur.erase(std::unique(cur.begin(), cur.end()), cur.end());
  std::uint64_t count = 0;
  for (unsigned l = 0; l < depth; ++l) {
    std::size_t out = 0;
    for (std::size_t k = 0; k < cur.size(); ++k) {
      if ((cur[k] & 1) == 0 && k + 1 < cur.size() && cur[k + 1] == cur[k] + 1) ++k;
      else ++count;
      cur[out++] = cur[k] >> 1;
    }
    cur.resize(out);
  }
  return count;
}

// Verifies leaf_hashes[j] as leaf indices[j] for every j against root.
// Indices may come in any order and may repeat; a repeated index must carry the
// same leaf hash every time (else reject). Rejects: no indices, a size mismatch of
// indices and leaf_hashes, depth > kMerkleMaxDepth or != mp.depth, any index
// >= 2^depth, a sibling list that is too short or too long, and a wrong root.
inline bool merkle_verify_multi(const Digest& root, unsigned depth, std::span<const std::uint64_t> indices,
                                std::span<const Digest> leaf_hashes, const MerkleMultiPath& mp) {
  if (depth > kMerkleMaxDepth || mp.depth != depth) return false;
  if (indices.empty() || indices.size() != leaf_hashes.size()) return false;
  std::vector<std::pair<std::uint64_t, Digest>> cur;
  cur.reserve(indices.size());
  for (std::size_t j = 0; j < indices.size(); ++j) {
    if ((indices[j] >> depth) != 0) return false;
    cur.emplace_back(indices[j], leaf_hashes[j]);
  }
  std::sort(cur.begin(), cur.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::size_t out = 0;  // dedup; equal indices must agree
  for (std::size_t k = 0; k < cur.size(); ++k) {
    if (out > 0 && cur[out - 1].first == cur[k].first) {
      if (cur[out - 1].second != cur[k].second) return false;
      continue;
    }
    cur[out++] = cur[k];
  }
  cur.resize(out);
  std::size_t next = 0;  // next unread sibling
  for (unsigned l = 0; l < depth; ++l) {
    std::size_t w = 0;
    for (std::size_t k = 0; k < cur.size(); ++k) {
      const std::uint64_t i = cur[k].first;
      Digest h;
      if ((i & 1) == 0 && k + 1 < cur.size() && cur[k + 1].first == i + 1) {
        h = merkle_node_hash(cur[k].second, cur[k + 1].second);
        ++k;
      } else {
        if (next == mp.siblings.size()) return false;  // too few siblings
        const Digest& sib = mp.siblings[next++];
        h = (i & 1) ? merkle_node_hash(sib, cur[k].second) : merkle_node_hash(cur[k].second, sib);
      }
      cur[w++] = {i >> 1, h};
    }
    cur.resize(w);
  }
  return next == mp.siblings.size() && cur.size() == 1 && cur[0].second == root;  // too many siblings fail here
}

}  // namespace vtensor
