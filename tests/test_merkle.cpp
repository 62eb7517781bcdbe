// SHA-256 (libcrypto and the multi-buffer SHA-NI kernel) and Merkle trees: hand-computed
// roots, paths, multipaths, tampering, domain separation, wire-format decoding.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/hash/merkle.hpp"
#include "vtensor/hash/merkle_path.hpp"
#include "vtensor/hash/sha256.hpp"

using namespace vtensor;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Reference hashes straight from the spec, through the OpenSSL hasher only.
Digest ref_leaf(const Bytes& b) { return Sha256().update_u8(0x00).update(b).finalize(); }
Digest ref_node(const Digest& l, const Digest& r) {
  return Sha256().update_u8(0x01).update(l.bytes).update(r.bytes).finalize();
}
// Level-by-level reference root from leaf digests.
Digest ref_root(std::vector<Digest> level) {
  while (level.size() > 1) {
    std::vector<Digest> up(level.size() / 2);
    for (std::size_t i = 0; i < up.size(); ++i) up[i] = ref_node(level[2 * i], level[2 * i + 1]);
    level = std::move(up);
  }
  return level[0];
}

std::vector<Goldilocks> random_elems(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Goldilocks> v(n);
  for (auto& x : v) x = Goldilocks::from_u64(rng());
  return v;
}

Bytes row_bytes(std::span<const Goldilocks> row) {
  Bytes b(row.size() * 8);
  for (std::size_t i = 0; i < row.size(); ++i) row[i].to_bytes(b.data() + 8 * i);
  return b;
}

// Goldilocks behind a wrapper the tree does not know, to exercise the serializing path.
struct WrappedField {
  using Base = WrappedField;
  static constexpr std::size_t kByteSize = 8, kDegree = 1;
  static constexpr std::uint16_t kFieldId = 1;
  Goldilocks v;
  friend bool operator==(const WrappedField&, const WrappedField&) = default;
  static WrappedField zero() { return {Goldilocks::zero()}; }
  static WrappedField one() { return {Goldilocks::one()}; }
  WrappedField operator+(const WrappedField& o) const { return {v + o.v}; }
  WrappedField operator-(const WrappedField& o) const { return {v - o.v}; }
  WrappedField operator*(const WrappedField& o) const { return {v * o.v}; }
  WrappedField operator-() const { return {-v}; }
  WrappedField inverse() const { return {v.inverse()}; }
  WrappedField square() const { return {v.square()}; }
  bool is_zero() const { return v.is_zero(); }
  void to_bytes(std::uint8_t* out) const { v.to_bytes(out); }
  static std::optional<WrappedField> from_bytes(const std::uint8_t* in) {
    auto x = Goldilocks::from_bytes(in);
    if (!x) return std::nullopt;
    return WrappedField{*x};
  }
};
static_assert(Field<WrappedField>);
static_assert(!kFieldBytesInMemory<WrappedField>);

// Every single-byte change of `enc` must make decode throw DecodeError or `accepts` false.
template <class Decode, class Accepts>
void check_every_byte_mutation(const Bytes& enc, Decode decode, Accepts accepts) {
  for (std::size_t i = 0; i < enc.size(); ++i) {
    for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
      Bytes bad = enc;
      bad[i] ^= flip;
      bool ok = false;
      try {
        ok = accepts(decode(bad));
      } catch (const DecodeError&) {
        ok = false;
      }
      if (ok) FAIL("mutation of byte " << i << " by " << int(flip) << " still verifies");
    }
  }
}

}  // namespace

TEST_CASE("sha256: NIST/FIPS 180-2 test vectors") {
  CHECK(sha256(std::string_view("")).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256(std::string_view("abc")).hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).hex() ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256(std::string_view("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"))
            .hex() == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  // One million 'a', fed in uneven pieces through one incremental hasher.
  Sha256 h;
  const std::string chunk(997, 'a');
  std::size_t left = 1000000;
  while (left) {
    const std::size_t n = std::min(left, chunk.size());
    h.update(chunk.data(), n);
    left -= n;
  }
  CHECK(h.finalize().hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // finalize() resets: the hasher is ready for a new message.
  CHECK(h.update(bytes_of("abc")).finalize() == sha256(std::string_view("abc")));
}

TEST_CASE("sha256: Digest hex round trip") {
  const Digest d = sha256(std::string_view("abc"));
  CHECK(Digest::from_hex(d.hex()) == d);
  CHECK(!Digest::from_hex("00"));
  CHECK(!Digest::from_hex(std::string(64, 'g')));
}

TEST_CASE("sha256: prefixed kernel matches libcrypto for every length 0..520") {
  std::mt19937_64 rng(11);
  Bytes buf(4 * 600);
  for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
  INFO("SHA-NI kernel available: " << sha256_ni::available());
  for (std::size_t len = 0; len <= 520; ++len) {
    for (std::uint8_t tag : {std::uint8_t{0}, std::uint8_t{1}, std::uint8_t{0xA5}}) {
      Bytes msg{tag};
      msg.insert(msg.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
      const Digest want = sha256(msg);
      REQUIRE(sha256_prefixed(tag, buf.data(), len) == want);
      if (sha256_ni::available()) {  // the kernel itself, at 1, 2 and 3 lanes
        const std::uint8_t* mm[3] = {buf.data(), buf.data(), buf.data()};
        Digest d[3];
        std::uint8_t* od[3] = {d[0].data(), d[1].data(), d[2].data()};
        sha256_ni::hash_prefixed<1>(tag, mm, len, od);
        REQUIRE(d[0] == want);
        sha256_ni::hash_prefixed<2>(tag, mm, len, od);
        REQUIRE((d[0] == want && d[1] == want));
        sha256_ni::hash_prefixed<3>(tag, mm, len, od);
        REQUIRE((d[0] == want && d[1] == want && d[2] == want));
      }
      const std::uint8_t* m[4] = {buf.data(), buf.data() + 600, buf.data() + 1200, buf.data() + 1800};
      Digest out[4], out_ssl[4];
      Digest* o[4] = {&out[0], &out[1], &out[2], &out[3]};
      Digest* os[4] = {&out_ssl[0], &out_ssl[1], &out_ssl[2], &out_ssl[3]};
      sha256_prefixed_x4(tag, m, len, o);
      sha256_prefixed_x4(tag, m, len, os, Sha256Backend::kOpenSSL);
      REQUIRE(out[0] == want);
      for (int l = 0; l < 4; ++l) REQUIRE(out[l] == out_ssl[l]);
    }
  }
}

TEST_CASE("sha256: node (digest pair) hashing, kernel and libcrypto") {
  std::mt19937_64 rng(12);
  for (int trial = 0; trial < 200; ++trial) {
    Digest a[4], b[4], out[4], out_ssl[4];
    for (int l = 0; l < 4; ++l)
      for (int i = 0; i < 32; ++i) a[l].bytes[i] = static_cast<std::uint8_t>(rng()), b[l].bytes[i] = static_cast<std::uint8_t>(rng());
    const std::uint8_t tag = static_cast<std::uint8_t>(trial);
    const Digest* pa[4] = {&a[0], &a[1], &a[2], &a[3]};
    const Digest* pb[4] = {&b[0], &b[1], &b[2], &b[3]};
    Digest* po[4] = {&out[0], &out[1], &out[2], &out[3]};
    Digest* ps[4] = {&out_ssl[0], &out_ssl[1], &out_ssl[2], &out_ssl[3]};
    sha256_prefixed_pair_x4(tag, pa, pb, po);
    sha256_prefixed_pair_x4(tag, pa, pb, ps, Sha256Backend::kOpenSSL);
    for (int l = 0; l < 4; ++l) {
      Bytes m{tag};
      m.insert(m.end(), a[l].bytes.begin(), a[l].bytes.end());
      m.insert(m.end(), b[l].bytes.begin(), b[l].bytes.end());
      const Digest want = sha256(m);
      REQUIRE(out[l] == want);
      REQUIRE(out_ssl[l] == want);
      REQUIRE(sha256_prefixed_pair(tag, a[l], b[l]) == want);
      REQUIRE(sha256_prefixed_pair(tag, a[l], b[l], Sha256Backend::kOpenSSL) == want);
    }
  }
}

TEST_CASE("merkle: Goldilocks memory layout is the canonical byte string") {
  const auto v = random_elems(64, 3);
  CHECK(kFieldBytesInMemory<Goldilocks>);
  CHECK(std::memcmp(v.data(), row_bytes(v).data(), 8 * v.size()) == 0);
  std::vector<GoldilocksExt2> e;
  for (std::size_t i = 0; i + 1 < v.size(); i += 2) e.emplace_back(v[i], v[i + 1]);
  Bytes eb(16 * e.size());
  for (std::size_t i = 0; i < e.size(); ++i) e[i].to_bytes(eb.data() + 16 * i);
  CHECK(std::memcmp(e.data(), eb.data(), eb.size()) == 0);
}

TEST_CASE("merkle: small roots recomputed by hand from the formulas") {
  // Four byte-string leaves: root = H(01 || H(01||L0||L1) || H(01||L2||L3)), Li = H(00 || leaf_i).
  const std::vector<Bytes> leaves = {bytes_of("alpha"), bytes_of(""), bytes_of("gamma-gamma"), Bytes(100, 0x5A)};
  Digest L[4];
  for (int i = 0; i < 4; ++i) {
    Bytes m{0x00};
    m.insert(m.end(), leaves[i].begin(), leaves[i].end());
    L[i] = sha256(m);
  }
  auto node = [](const Digest& l, const Digest& r) {
    Bytes m{0x01};
    m.insert(m.end(), l.bytes.begin(), l.bytes.end());
    m.insert(m.end(), r.bytes.begin(), r.bytes.end());
    return sha256(m);
  };
  const Digest root = node(node(L[0], L[1]), node(L[2], L[3]));
  const auto t = MerkleTree::from_leaves(leaves);
  CHECK(t.depth() == 2);
  CHECK(t.root() == root);
  CHECK(t.leaf_hash(2) == L[2]);
  CHECK(t.node(1, 1) == node(L[2], L[3]));

  // Field rows: 8 Goldilocks elements, leaf width 2 -> 4 leaves of 16 canonical bytes.
  const auto v = random_elems(8, 5);
  Digest R[4];
  for (int i = 0; i < 4; ++i) {
    Bytes m{0x00};
    const Bytes rb = row_bytes(std::span<const Goldilocks>(v).subspan(2 * i, 2));
    m.insert(m.end(), rb.begin(), rb.end());
    R[i] = sha256(m);
  }
  const auto ft = MerkleTree::from_rows<Goldilocks>(v, 2);
  CHECK(ft.root() == node(node(R[0], R[1]), node(R[2], R[3])));
  CHECK(MerkleTree::from_rows<Goldilocks>(v, 2, Sha256Backend::kOpenSSL).root() == ft.root());

  // Depth 0: one leaf, the root is its leaf hash and the path is empty.
  const auto one = MerkleTree::from_rows<Goldilocks>(v, 8);
  CHECK(one.depth() == 0);
  CHECK(one.root() == merkle_row_hash<Goldilocks>(v));
  CHECK(one.open(0).siblings.empty());
  CHECK(merkle_verify(one.root(), 0, 0, one.root(), one.open(0)));
  CHECK(!merkle_verify(one.root(), 0, 1, one.root(), one.open(0)));
}

TEST_CASE("merkle: larger trees match the reference, across backends, fields and widths") {
  for (std::size_t log_n : {0u, 1u, 3u, 7u, 12u}) {
    for (std::size_t w : {1u, 3u, 16u, 64u}) {
      const std::size_t n = std::size_t{1} << log_n;
      const auto v = random_elems(n * w, 100 + log_n * 7 + w);
      std::vector<Digest> leaves(n);
      for (std::size_t i = 0; i < n; ++i) leaves[i] = ref_leaf(row_bytes(std::span<const Goldilocks>(v).subspan(i * w, w)));
      const Digest want = ref_root(leaves);
      CAPTURE(log_n);
      CAPTURE(w);
      const auto t = MerkleTree::from_rows<Goldilocks>(v, w);
      CHECK(t.root() == want);
      CHECK(MerkleTree::from_rows<Goldilocks>(v, w, Sha256Backend::kOpenSSL).root() == want);
      std::vector<WrappedField> wv;
      for (auto x : v) wv.push_back({x});
      CHECK(MerkleTree::from_rows<WrappedField>(wv, w).root() == want);
      CHECK(MerkleTree::from_leaf_hashes(leaves).root() == want);
      for (std::size_t i = 0; i < n; i += std::max<std::size_t>(1, n / 64)) CHECK(t.leaf_hash(i) == leaves[i]);
    }
  }
  // Extension-field rows hash their 16-byte canonical encodings.
  const auto v = random_elems(64, 9);
  std::vector<GoldilocksExt2> e;
  std::vector<Digest> leaves;
  for (std::size_t i = 0; i < 32; ++i) e.emplace_back(v[2 * i], v[2 * i + 1]);
  for (std::size_t i = 0; i < 8; ++i) leaves.push_back(ref_leaf(row_bytes(std::span<const Goldilocks>(v).subspan(8 * i, 8))));
  CHECK(MerkleTree::from_rows<GoldilocksExt2>(e, 4).root() == ref_root(leaves));
}

TEST_CASE("merkle: byte leaves of mixed lengths") {
  std::mt19937_64 rng(21);
  std::vector<Bytes> leaves(64);
  std::vector<Digest> hashes;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    leaves[i].resize(i < 32 ? 40 : rng() % 200);  // first half equal lengths (four-way path), rest mixed
    for (auto& b : leaves[i]) b = static_cast<std::uint8_t>(rng());
    hashes.push_back(ref_leaf(leaves[i]));
  }
  const auto t = MerkleTree::from_leaves(leaves);
  CHECK(t.root() == ref_root(hashes));
  for (std::size_t i = 0; i < leaves.size(); ++i) CHECK(merkle_verify_leaf(t.root(), t.depth(), i, leaves[i], t.open(i)));
}

TEST_CASE("merkle: every path verifies; tampering, wrong index, wrong depth fail") {
  const std::size_t w = 4, n = 64;
  const auto v = random_elems(n * w, 31);
  const auto t = MerkleTree::from_rows<Goldilocks>(v, w);
  const unsigned d = t.depth();
  const auto rows = [&](std::size_t i) { return std::span<const Goldilocks>(v).subspan(i * w, w); };
  for (std::size_t i = 0; i < n; ++i) {
    const MerklePath p = t.open(i);
    REQUIRE(p.depth() == d);
    CHECK(merkle_verify_row<Goldilocks>(t.root(), d, i, rows(i), p));
    CHECK(merkle_verify_leaf(t.root(), d, i, row_bytes(rows(i)), p));
    CHECK(!merkle_verify_row<Goldilocks>(t.root(), d, i ^ 1, rows(i), p));      // wrong index
    CHECK(!merkle_verify_row<Goldilocks>(t.root(), d, (i + 5) % n, rows(i), p));
    CHECK(!merkle_verify_row<Goldilocks>(t.root(), d, i + n, rows(i), p));      // index >= 2^d
    CHECK(!merkle_verify_row<Goldilocks>(t.root(), d - 1, i / 2, rows(i), p));  // wrong depth
    CHECK(!merkle_verify_row<Goldilocks>(t.root(), d + 1, i, rows(i), p));
    std::vector<Goldilocks> bad(rows(i).begin(), rows(i).end());  // tampered leaf
    bad[i % w] = bad[i % w] + Goldilocks::one();
    CHECK(!merkle_verify_row<Goldilocks>(t.root(), d, i, std::span<const Goldilocks>(bad), p));
    MerklePath longer = p, shorter = p;  // too many / too few siblings
    longer.siblings.push_back(p.siblings[0]);
    shorter.siblings.pop_back();
    CHECK(!merkle_verify_row<Goldilocks>(t.root(), d, i, rows(i), longer));
    CHECK(!merkle_verify_row<Goldilocks>(t.root(), d, i, rows(i), shorter));
  }
  // Every byte of a serialized path, mutated, fails to decode or to verify.
  for (std::size_t i : {0u, 13u, 63u}) {
    const Bytes enc = t.open(i).to_bytes();
    CHECK(enc.size() == 1 + 32 * d);
    CHECK(MerklePath::from_bytes(enc) == t.open(i));
    check_every_byte_mutation(
        enc, [](const Bytes& b) { return MerklePath::from_bytes(b); },
        [&](const MerklePath& p) { return merkle_verify_row<Goldilocks>(t.root(), d, i, rows(i), p); });
  }
  CHECK_THROWS_AS(t.open(n), ArgumentError);
}

TEST_CASE("merkle: domain separation, a node's children presented as a leaf do not verify") {
  const auto v = random_elems(16 * 4, 41);
  const auto t = MerkleTree::from_rows<Goldilocks>(v, 4);  // 16 leaves, depth 4
  const std::uint64_t i = 6;                               // node (level 1, index 3) has children leaves 6, 7
  const MerklePath p = t.open(i);
  MerklePath upper;  // the path of node (1, 3) inside a tree of depth 3 above the leaves
  upper.siblings.assign(p.siblings.begin() + 1, p.siblings.end());
  Bytes children(t.leaf_hash(6).bytes.begin(), t.leaf_hash(6).bytes.end());
  children.insert(children.end(), t.leaf_hash(7).bytes.begin(), t.leaf_hash(7).bytes.end());
  // With the node tag the same bytes do reach the root (so the test is meaningful) ...
  CHECK(merkle_verify(t.root(), 3, 3, merkle_node_hash(t.leaf_hash(6), t.leaf_hash(7)), upper));
  // ... but hashed as a leaf (tag 0x00) they do not.
  CHECK(!merkle_verify_leaf(t.root(), 3, 3, children, upper));
  // And a leaf hash is not accepted in place of an internal node one level up.
  CHECK(!merkle_verify(t.root(), 3, 3, t.leaf_hash(6), upper));
  CHECK(merkle_leaf_hash(children) != merkle_node_hash(t.leaf_hash(6), t.leaf_hash(7)));
}

TEST_CASE("merkle: multipaths over random index sets") {
  const std::size_t w = 2, n = 256;
  const auto v = random_elems(n * w, 51);
  const auto t = MerkleTree::from_rows<Goldilocks>(v, w);
  const unsigned d = t.depth();
  std::mt19937_64 rng(52);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t k = 1 + rng() % (trial < 20 ? 12 : 80);
    std::vector<std::uint64_t> idx(k);
    for (auto& x : idx) x = rng() % n;
    if (trial % 2) idx.push_back(idx[0]), idx.push_back(idx[k / 2]);  // duplicates, unsorted
    std::vector<Digest> hs;
    for (auto i : idx) hs.push_back(t.leaf_hash(i));
    const MerkleMultiPath mp = t.open_multi(idx);
    CAPTURE(trial);
    REQUIRE(merkle_verify_multi(t.root(), d, idx, hs, mp));
    CHECK(mp.siblings.size() == merkle_multi_sibling_count(d, idx));
    std::vector<std::uint64_t> sorted = idx;
    std::sort(sorted.begin(), sorted.end());
    CHECK(t.open_multi(sorted) == mp);  // order and repeats do not change the proof
    // A multipath never carries more than the single paths together, and each of those verifies too.
    CHECK(mp.siblings.size() <= k * d);

    // Tampering: a wrong leaf hash, a wrong index, a changed sibling, one too few / too many.
    auto bad_h = hs;
    bad_h[rng() % hs.size()].bytes[0] ^= 1;
    bool any_change = false;
    for (std::size_t j = 0; j < hs.size(); ++j) any_change |= bad_h[j] != hs[j];
    if (any_change) CHECK(!merkle_verify_multi(t.root(), d, idx, bad_h, mp));
    auto bad_i = idx;
    bad_i[0] ^= 1;
    if (std::count(idx.begin(), idx.end(), idx[0]) == 1 &&
        std::find(idx.begin(), idx.end(), bad_i[0]) == idx.end())
      CHECK(!merkle_verify_multi(t.root(), d, bad_i, hs, mp));
    bad_i[0] = n;  // index >= 2^d
    CHECK(!merkle_verify_multi(t.root(), d, bad_i, hs, mp));
    if (!mp.siblings.empty()) {
      auto fewer = mp;
      fewer.siblings.pop_back();
      CHECK(!merkle_verify_multi(t.root(), d, idx, hs, fewer));
      auto changed = mp;
      changed.siblings[rng() % mp.siblings.size()].bytes[7] ^= 0x40;
      CHECK(!merkle_verify_multi(t.root(), d, idx, hs, changed));
    }
    auto more = mp;
    more.siblings.push_back(t.root());
    CHECK(!merkle_verify_multi(t.root(), d, idx, hs, more));
    auto deeper = mp;
    deeper.depth = d + 1;
    CHECK(!merkle_verify_multi(t.root(), d, idx, hs, deeper));
    CHECK(!merkle_verify_multi(t.root(), d + 1, idx, hs, deeper));
    CHECK(!merkle_verify_multi(t.root(), d, std::span(idx).first(idx.size() - 1), hs, mp));  // size mismatch

    if (trial % 8 == 1) {  // every byte of the encoding, mutated
      const Bytes enc = mp.to_bytes();
      CHECK(enc.size() == 1 + 8 + 32 * mp.siblings.size());
      CHECK(MerkleMultiPath::from_bytes(enc) == mp);
      check_every_byte_mutation(
          enc, [](const Bytes& b) { return MerkleMultiPath::from_bytes(b); },
          [&](const MerkleMultiPath& m) { return merkle_verify_multi(t.root(), d, idx, hs, m); });
    }
  }
  // Duplicates must agree: the same index with two different leaf hashes is rejected.
  const std::vector<std::uint64_t> dup = {5, 9, 5};
  std::vector<Digest> hs = {t.leaf_hash(5), t.leaf_hash(9), t.leaf_hash(5)};
  const auto mp = t.open_multi(dup);
  CHECK(merkle_verify_multi(t.root(), d, dup, hs, mp));
  hs[2] = t.leaf_hash(4);
  CHECK(!merkle_verify_multi(t.root(), d, dup, hs, mp));
  // Adjacent siblings and all leaves: the full set needs no siblings at all.
  std::vector<std::uint64_t> all(n);
  std::vector<Digest> all_h(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = n - 1 - i, all_h[i] = t.leaf_hash(n - 1 - i);
  const auto full = t.open_multi(all);
  CHECK(full.siblings.empty());
  CHECK(merkle_verify_multi(t.root(), d, all, all_h, full));
  CHECK(!merkle_verify_multi(t.root(), d, {}, {}, full));  // no indices
  CHECK_THROWS_AS(t.open_multi(std::vector<std::uint64_t>{}), ArgumentError);
  CHECK_THROWS_AS(t.open_multi(std::vector<std::uint64_t>{1, n}), ArgumentError);
  // A single index: the multipath is the ordinary path.
  const std::vector<std::uint64_t> single = {77};
  CHECK(t.open_multi(single).siblings == t.open(77).siblings);
}

TEST_CASE("merkle: decoders reject truncated, trailing and oversized input") {
  const auto v = random_elems(32, 61);
  const auto t = MerkleTree::from_rows<Goldilocks>(v, 1);
  const Bytes path = t.open(3).to_bytes();
  for (std::size_t len = 0; len < path.size(); ++len)
    CHECK_THROWS_AS(MerklePath::from_bytes(std::span(path).first(len)), DecodeError);
  Bytes trailing = path;
  trailing.push_back(0);
  CHECK_THROWS_AS(MerklePath::from_bytes(trailing), DecodeError);
  Bytes deep(1 + 32 * 49, 0);
  deep[0] = 49;  // depth above kMerkleMaxDepth, even with the bytes present
  CHECK_THROWS_AS(MerklePath::from_bytes(deep), DecodeError);
  deep[0] = 48;
  deep.resize(1 + 32 * 48);
  CHECK(MerklePath::from_bytes(deep).depth() == 48);

  const std::vector<std::uint64_t> idx = {1, 7, 20};
  const Bytes mp = t.open_multi(idx).to_bytes();
  for (std::size_t len = 0; len < mp.size(); ++len)
    CHECK_THROWS_AS(MerkleMultiPath::from_bytes(std::span(mp).first(len)), DecodeError);
  trailing = mp;
  trailing.push_back(0);
  CHECK_THROWS_AS(MerkleMultiPath::from_bytes(trailing), DecodeError);
  auto with_count = [&](std::uint64_t c) {
    Bytes b = mp;
    for (int i = 0; i < 8; ++i) b[1 + i] = static_cast<std::uint8_t>(c >> (8 * i));
    return b;
  };
  CHECK_THROWS_AS(MerkleMultiPath::from_bytes(with_count(~std::uint64_t{0})), DecodeError);      // over the cap
  CHECK_THROWS_AS(MerkleMultiPath::from_bytes(with_count(kMerkleMaxMultiSiblings + 1)), DecodeError);
  CHECK_THROWS_AS(MerkleMultiPath::from_bytes(with_count(1000)), DecodeError);  // more than the bytes present
  Bytes bad_depth = mp;
  bad_depth[0] = 200;
  CHECK_THROWS_AS(MerkleMultiPath::from_bytes(bad_depth), DecodeError);
  // Encoders refuse what the decoders would refuse.
  MerklePath too_deep;
  too_deep.siblings.resize(49);
  CHECK_THROWS_AS(too_deep.to_bytes(), ArgumentError);
}

TEST_CASE("merkle: argument checks") {
  const auto v = random_elems(24, 71);
  CHECK_THROWS_AS(MerkleTree::from_rows<Goldilocks>(v, 1), ArgumentError);  // 24 leaves
  CHECK_THROWS_AS(MerkleTree::from_rows<Goldilocks>(v, 5), ArgumentError);  // not a multiple
  CHECK_THROWS_AS(MerkleTree::from_rows<Goldilocks>(v, 0), ArgumentError);
  CHECK_THROWS_AS(MerkleTree::from_rows<Goldilocks>(std::span<const Goldilocks>(), 1), ArgumentError);
  CHECK_NOTHROW(MerkleTree::from_rows<Goldilocks>(v, 3));  // 8 leaves
  CHECK_THROWS_AS(MerkleTree().root(), ArgumentError);
  const std::vector<Bytes> three(3);
  CHECK_THROWS_AS(MerkleTree::from_leaves(three), ArgumentError);
}

TEST_CASE("merkle: streaming leaf hasher equals the one-shot leaf hash") {
  const auto v = random_elems(300, 81);
  const std::span<const Goldilocks> s(v);
  MerkleLeafHasher h;
  h.absorb_row(s.first(7)).absorb_row(s.subspan(7, 200));
  for (std::size_t i = 207; i < 300; ++i) h.absorb_element(v[i]);
  CHECK(h.finalize() == merkle_row_hash(s));
  // finalize() starts a new leaf.
  h.absorb(bytes_of("abc"));
  CHECK(h.finalize() == merkle_leaf_hash(bytes_of("abc")));
  std::vector<WrappedField> wv;
  for (auto x : v) wv.push_back({x});
  CHECK(MerkleLeafHasher().absorb_row(std::span<const WrappedField>(wv)).finalize() == merkle_row_hash(s));
  CHECK(merkle_row_hash(std::span<const WrappedField>(wv)) == merkle_row_hash(s));
}

TEST_CASE("merkle: a large parallel build (huge-page storage) matches the reference; copies are deep") {
  const std::size_t n = std::size_t{1} << 17;  // 2^18 digests = 8 MiB of nodes
  const auto v = random_elems(n, 91);
  std::vector<Digest> leaves(n);
  for (std::size_t i = 0; i < n; ++i) leaves[i] = ref_leaf(row_bytes(std::span<const Goldilocks>(v).subspan(i, 1)));
  const Digest want = ref_root(leaves);
  auto t = MerkleTree::from_rows<Goldilocks>(v, 1);
  CHECK(t.root() == want);
  CHECK(MerkleTree::from_leaf_hashes(leaves, Sha256Backend::kOpenSSL).root() == want);
  const MerkleTree copy = t;
  MerkleTree moved = std::move(t);
  CHECK(copy.root() == want);
  CHECK(moved.root() == want);
  CHECK(copy.nodes().data() != moved.nodes().data());
  for (std::uint64_t i : {std::uint64_t{0}, std::uint64_t{12345}, std::uint64_t{n - 1}})
    CHECK(merkle_verify(want, 17, i, leaves[i], copy.open(i)));
}
