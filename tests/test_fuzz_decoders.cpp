// Deterministic, bounded fuzzing of every entry point that parses or verifies
// untrusted bytes (docs/fuzzing.md). Fixed seeds, fixed iteration counts: the
// same inputs every run, each TEST_CASE well under 2 s in a Release build.
//
// Inputs: (a) random byte strings of random lengths 0 .. 2 KiB (half of them
// behind a valid header, to get past the magic); (b) valid proofs with stacked
// random mutations: multi-byte overwrites and bit flips, insertions, deletions,
// truncations (every prefix, plus random ones), appended tails, splices with other
// valid proofs, copied and swapped chunks, header fields set to 0, 1, the cap,
// cap + 1, 2^16 - 1, 2^32 - 1, 2^64 - 1, ..., and field words set to p, 2^64 - 1
// and to the non-canonical alias v + p of their own value.
//
// Asserted for every input: the call either returns or throws a vtensor::Error
// subclass with a non-empty message, never std::bad_alloc, std::length_error or
// any other exception. A verifier that accepts must have been given exactly the
// valid proof's bytes; "accepts" means the whole verification a caller performs:
// the verifier returns AND the claims it hands back hold on the tables (which a
// real verifier checks against commitment openings). The sumcheck verifiers alone
// do return for some mutations by design: swapped final values (a·b = b·a), or v
// and a final changed together so that v = a·b still holds when there are no
// rounds; the claims they hand back are then false, and are counted as `refuted`.
// A decoder that accepts must re-encode to exactly its input (the wire format is
// canonical). VTENSOR_FUZZ_VERBOSE=1 prints what happened to the inputs.
//
// Findings of the fuzzing campaigns are kept at the end as regression tests,
// marked "FUZZ FINDING" (each fails for as long as its bug is unfixed).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

#include "test_util.hpp"
#include "vtensor/hash/merkle.hpp"
#include "vtensor/hash/merkle_path.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/sumcheck.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint64_t kP = Goldilocks::kModulus;
constexpr std::uint64_t kU32Max = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

std::string hex(std::span<const std::uint8_t> b, std::size_t max = 1024) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < b.size() && i < max; ++i) {
    s += kHex[b[i] >> 4];
    s += kHex[b[i] & 15];
  }
  if (b.size() > max) s += "... (" + std::to_string(b.size()) + " bytes)";
  return s;
}

// What happened to the inputs of one target.
struct Tally {
  std::size_t runs = 0, accepted = 0, decode_errors = 0, verify_errors = 0, other_errors = 0;
  std::size_t refuted = 0;  // the verifier returned, but its claims were false on the tables
};

void check_message(const std::exception& e, const char* target, const Bytes& input) {
  if (std::string(e.what()).empty())
    FAIL_CHECK(std::string(target) << ": " << typeid(e).name() << " with an empty message; input " << hex(input));
}

// Runs `fn` (true = accepted, false = rejected by a bool-returning verifier).
// vtensor::Error subclasses are rejections; any other exception fails the test
// with the input in hex.
template <class Fn>
bool run_guarded(const char* target, const Bytes& input, Tally& t, Fn&& fn) {
  ++t.runs;
  try {
    const bool ok = fn();
    if (ok) ++t.accepted;
    return ok;
  } catch (const DecodeError& e) {
    ++t.decode_errors;
    check_message(e, target, input);
  } catch (const VerifyError& e) {
    ++t.verify_errors;
    check_message(e, target, input);
  } catch (const Error& e) {
    ++t.other_errors;
    check_message(e, target, input);
  } catch (const std::exception& e) {
    FAIL(std::string(target) << ": escaped a non-vtensor exception " << typeid(e).name() << " (" << e.what()
                             << ") on input (" << input.size() << " bytes) " << hex(input));
  } catch (...) {
    // Not a std::exception: a failed doctest assertion inside `fn`, or something
    // thrown that no parser may throw. Name the input, then let doctest report it.
    FAIL_CHECK(std::string(target) << ": a non-std exception (or failed assertion) on input (" << input.size()
                                   << " bytes) " << hex(input));
    throw;
  }
  return false;
}

// Tallies and examples are printed only with VTENSOR_FUZZ_VERBOSE set (ctest output stays quiet).
bool verbose() {
  static const bool v = std::getenv("VTENSOR_FUZZ_VERBOSE") != nullptr;
  return v;
}

void report(const char* target, const Tally& t) {
  if (!verbose()) return;
  MESSAGE(std::string(target) << ": " << t.runs << " inputs, " << t.accepted << " accepted, " << t.decode_errors
                              << " DecodeError, " << t.verify_errors << " VerifyError, " << t.other_errors
                              << " other vtensor::Error, " << t.refuted << " returned claims refuted by the tables");
}

// ---- mutations --------------------------------------------------------------------

// An integer field of a wire header (the mutator sets it to extreme values).
struct HeaderField {
  std::size_t offset, width;
  std::uint64_t cap;
};
// Where the interesting parts of a valid encoding are.
struct Layout {
  std::vector<HeaderField> header;
  std::size_t header_size = 0;   // random inputs are sometimes given this valid prefix
  std::size_t words_offset = 0;  // field elements as 8-byte words from here ...
  std::size_t words_end = 0;     // ... to here (0: none)
};

std::vector<std::uint64_t> extreme_values(std::uint64_t cap, std::uint64_t orig) {
  return {0,
          1,
          2,
          cap - 1,
          cap,
          cap + 1,
          0x7f,
          0x80,
          0xff,
          0xffff,
          std::uint64_t{1} << 31,
          kU32Max,
          std::uint64_t{1} << 32,
          std::uint64_t{1} << 63,
          kU64Max,
          orig - 1,
          orig + 1};
}

void put_le(Bytes& b, std::size_t at, std::size_t width, std::uint64_t v) {
  for (std::size_t i = 0; i < width && at + i < b.size(); ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint64_t get_le(const Bytes& b, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width && at + i < b.size(); ++i) v |= std::uint64_t{b[at + i]} << (8 * i);
  return v;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }
  std::uint8_t byte() { return static_cast<std::uint8_t>(rng_()); }
  std::uint64_t word() { return rng_(); }

  Bytes random_bytes(std::size_t max_len = 2048) {
    Bytes b(below(max_len + 1));
    for (auto& x : b) x = byte();
    return b;
  }

  // 1 .. 3 stacked mutations of `in`.
  Bytes mutate(const Bytes& in, const Layout& lay, std::span<const Bytes> pool) {
    Bytes b = in;
    const std::size_t ops = 1 + below(3);
    for (std::size_t i = 0; i < ops; ++i) mutate_once(b, lay, pool);
    return b;
  }

 private:
  void mutate_once(Bytes& b, const Layout& lay, std::span<const Bytes> pool) {
    switch (below(11)) {
      case 0:  // overwrite 1 .. 8 bytes at random positions
        if (!b.empty())
          for (std::size_t k = 1 + below(8); k-- > 0;) b[below(b.size())] = byte();
        break;
      case 1:  // flip bits in a run of 1 .. 16 bytes
        if (!b.empty()) {
          const std::size_t at = below(b.size()), len = std::min(b.size() - at, 1 + below(16));
          for (std::size_t i = 0; i < len; ++i) b[at + i] ^= static_cast<std::uint8_t>(1 + below(255));
        }
        break;
      case 2: {  // insert 1 .. 64 random bytes
        const std::size_t at = below(b.size() + 1);
        Bytes ins(1 + below(64));
        for (auto& x : ins) x = byte();
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), ins.begin(), ins.end());
        break;
      }
      case 3:  // delete 1 .. 64 bytes
        if (!b.empty()) {
          const std::size_t at = below(b.size()), len = std::min(b.size() - at, 1 + below(64));
          b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + len));
        }
        break;
      case 4:  // truncate
        b.resize(below(b.size() + 1));
        break;
      case 5:  // append 1 .. 64 random bytes (or a copy of the buffer itself)
        if (below(4) == 0) {
          const Bytes copy = b;
          b.insert(b.end(), copy.begin(), copy.end());
        } else {
          for (std::size_t k = 1 + below(64); k-- > 0;) b.push_back(byte());
        }
        break;
      case 6:  // splice: a prefix of this one and a suffix of another valid encoding
        if (!pool.empty()) {
          const Bytes& o = pool[below(pool.size())];
          const std::size_t cut = below(b.size() + 1), from = below(o.size() + 1);
          b.resize(cut);
          b.insert(b.end(), o.begin() + static_cast<std::ptrdiff_t>(from), o.end());
        }
        break;
      case 7:  // copy a chunk over another place (8- and 16-byte aligned half the time)
      case 10:
        if (b.size() >= 2) {
          const bool aligned = below(2) == 0 && lay.words_end > lay.words_offset + 32;
          std::size_t len, src, dst;
          if (aligned) {
            const std::size_t unit = below(2) ? 16 : 8, slots = (lay.words_end - lay.words_offset) / unit;
            len = unit;
            src = lay.words_offset + unit * below(slots);
            dst = lay.words_offset + unit * below(slots);
          } else {
            len = 1 + below(std::min<std::size_t>(32, b.size() - 1));
            src = below(b.size() - len + 1);
            dst = below(b.size() - len + 1);
          }
          if (src + len > b.size() || dst + len > b.size()) break;
          if (below(2)) {  // swap
            for (std::size_t i = 0; i < len; ++i)
              if (src + i != dst + i && (src + i < dst || src + i >= dst + len)) std::swap(b[src + i], b[dst + i]);
          } else {
            const Bytes chunk(b.begin() + static_cast<std::ptrdiff_t>(src),
                              b.begin() + static_cast<std::ptrdiff_t>(src + len));
            std::copy(chunk.begin(), chunk.end(), b.begin() + static_cast<std::ptrdiff_t>(dst));
          }
        }
        break;
      case 8:  // a header field set to an extreme value
        if (!lay.header.empty()) {
          const HeaderField& h = lay.header[below(lay.header.size())];
          const auto vals = extreme_values(h.cap, get_le(b, h.offset, h.width));
          put_le(b, h.offset, h.width, vals[below(vals.size())]);
        }
        break;
      case 9:  // a field word set to p, p + 1, 2^64 - 1, p - 1, 0 or its non-canonical alias v + p
        if (lay.words_end >= lay.words_offset + 8 && lay.words_end <= b.size()) {
          const std::size_t at = lay.words_offset + 8 * below((lay.words_end - lay.words_offset) / 8);
          const std::uint64_t v = get_le(b, at, 8);
          const std::uint64_t choices[] = {kP, kP + 1, kU64Max, kP - 1, 0, v < kU32Max ? v + kP : kP + (v & 0xffff)};
          put_le(b, at, 8, choices[below(std::size(choices))]);
        }
        break;
      default:
        break;
    }
  }

  std::mt19937_64 rng_;
};

// ---- the generic campaign -----------------------------------------------------------

// One verifier under test: a valid encoding and the full acceptance check for it.
struct Subject {
  std::string name;
  Bytes valid;
  Layout layout;
  // true = accepted (verified and the claims hold); false or a vtensor::Error = rejected.
  std::function<bool(const Bytes&, Tally&)> accept;
};

struct Budget {
  std::size_t mutations = 6000;  // per subject
  std::size_t randoms = 1000;    // per subject
};

// The valid bytes are accepted; every other input is rejected cleanly.
void fuzz_verifier(const char* target, const std::vector<Subject>& subjects, std::uint64_t seed, Budget budget) {
  Mutator mut(seed);
  std::vector<Bytes> pool;
  for (const auto& s : subjects) pool.push_back(s.valid);
  Tally t;
  for (const Subject& s : subjects) {
    CAPTURE(s.name);
    auto check = [&](const Bytes& in, const char* how) {
      const std::size_t refuted = t.refuted;
      const bool ok = run_guarded(target, in, t, [&] { return s.accept(in, t); });
      if (verbose() && t.refuted != refuted && refuted < 2)  // the first two: permuted or rescaled final claims
        MESSAGE(std::string(target) << " [" << s.name << "]: the verifier returned claims the tables refute for the "
                                    << std::string(how) << " input " << hex(in) << "\nvalid proof: " << hex(s.valid));
      if (ok && in != s.valid)
        FAIL(std::string(target) << " [" << s.name << "]: ACCEPTED a " << std::string(how) << " input (" << in.size()
                                 << " bytes) " << hex(in) << "\nvalid proof: " << hex(s.valid));
    };
    REQUIRE_MESSAGE(run_guarded(target, s.valid, t, [&] { return s.accept(s.valid, t); }),
                    std::string(target) << " [" << s.name << "]: the valid proof is rejected");
    for (std::size_t len = 0; len < s.valid.size(); ++len)  // every truncation
      check(Bytes(s.valid.begin(), s.valid.begin() + static_cast<std::ptrdiff_t>(len)), "truncated");
    for (const HeaderField& h : s.layout.header)  // every header field at every extreme
      for (std::uint64_t v : extreme_values(h.cap, get_le(s.valid, h.offset, h.width))) {
        Bytes b = s.valid;
        put_le(b, h.offset, h.width, v);
        check(b, "header-extreme");
      }
    // Every field word set to p, 2^64 - 1 and (where it exists) its non-canonical alias v + p.
    for (std::size_t at = s.layout.words_offset; at + 8 <= s.layout.words_end; at += 8) {
      const std::uint64_t v = get_le(s.valid, at, 8);
      for (std::uint64_t w : {kP, kU64Max, v < kU32Max ? v + kP : kP}) {
        Bytes b = s.valid;
        put_le(b, at, 8, w);
        check(b, "non-canonical-word");
      }
    }
    for (std::size_t i = 0; i < budget.mutations; ++i) check(mut.mutate(s.valid, s.layout, pool), "mutated");
    for (std::size_t i = 0; i < budget.randoms; ++i) {
      Bytes b = mut.random_bytes();
      if (i % 2 == 1) {  // behind a valid header
        const std::size_t h = std::min(s.layout.header_size, s.valid.size());
        b.insert(b.begin(), s.valid.begin(), s.valid.begin() + static_cast<std::ptrdiff_t>(h));
      }
      check(b, "random");
    }
  }
  report(target, t);
}

// ---- fixtures: valid proofs and their acceptance checks ----------------------------------

constexpr std::size_t kProofHeader = 8;  // magic u32 ‖ version u16 ‖ field id u16
std::vector<HeaderField> common_header(std::uint64_t magic) {
  return {{0, 4, magic}, {4, 2, kWireVersion}, {6, 2, E::kFieldId}};
}

// SumcheckProof layout: common header ‖ n u32 ‖ D u32 ‖ k u32 ‖ elements.
Layout sumcheck_layout(std::size_t size) {
  Layout l;
  l.header = common_header(kSumcheckMagic);
  l.header.push_back({8, 4, kSumcheckMaxVars});
  l.header.push_back({12, 4, kSumcheckMaxDegree});
  l.header.push_back({16, 4, kSumcheckMaxArity});
  l.header_size = 20;
  l.words_offset = 20;
  l.words_end = size;
  return l;
}

template <Composition G>
struct SumFixture {
  SumStatement<E> st;
  std::array<std::vector<F>, G::kArity> tables;
  Bytes proof;
};

template <Composition G>
SumFixture<G> make_sum_fixture(std::mt19937_64& rng, std::uint32_t n, bool with_eq) {
  SumFixture<G> fx;
  for (auto& t : fx.tables) t = test::random_fps(rng, std::size_t{1} << n);
  fx.st.num_vars = n;
  if (with_eq) fx.st.eq_point = test::random_exts(rng, n);
  fx.st.claim = test::sum_of<G>(fx.tables, std::span<const E>(fx.st.eq_point));
  fx.st.context = {0x5a, static_cast<std::uint8_t>(n)};
  std::array<std::span<const F>, G::kArity> spans;
  for (std::size_t j = 0; j < G::kArity; ++j) spans[j] = fx.tables[j];
  fx.proof = prove_sum<G, F, E>(fx.st, spans);
  return fx;
}

template <Composition G>
std::vector<Subject> sum_subjects(std::uint64_t seed, bool with_eq) {
  std::mt19937_64 rng(seed);
  std::vector<Subject> out;
  for (std::uint32_t n : {0u, 1u, 3u, 5u}) {
    auto fx = std::make_shared<SumFixture<G>>(make_sum_fixture<G>(rng, n, with_eq));
    Subject s;
    s.name = std::string(G::kId) + (with_eq ? " with eq" : "") + ", n = " + std::to_string(n);
    s.valid = fx->proof;
    s.layout = sumcheck_layout(s.valid.size());
    s.accept = [fx](const Bytes& b, Tally& t) {
      const auto claims = verify_sum<G, E>(fx->st, b);
      for (std::size_t j = 0; j < G::kArity; ++j)
        if (claims.values[j] != mle_evaluate<E, F>(fx->tables[j], claims.point)) {
          ++t.refuted;
          return false;
        }
      return true;
    };
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<F> padded(const std::vector<F>& M, std::size_t rows, std::size_t cols) {
  const unsigned a = log2_ceil(rows), b = log2_ceil(cols);
  std::vector<F> p(std::size_t{1} << (a + b), F::zero());
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) p[(i << b) + j] = M[i * cols + j];
  return p;
}

struct MatmulFixture {
  MatmulStatement st;
  std::vector<F> A, B, C;  // padded
  Bytes proof;
};

std::vector<Subject> matmul_subjects(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Subject> out;
  struct Shape {
    std::size_t m, k, n;
  };
  for (const Shape sh : {Shape{1, 1, 1}, Shape{2, 1, 3}, Shape{3, 5, 2}, Shape{4, 8, 4}}) {
    auto A = test::random_small(rng, sh.m * sh.k, 100), B = test::random_small(rng, sh.k * sh.n, 100);
    std::vector<F> C(sh.m * sh.n, F::zero());
    for (std::size_t i = 0; i < sh.m; ++i)
      for (std::size_t l = 0; l < sh.n; ++l)
        for (std::size_t j = 0; j < sh.k; ++j) C[i * sh.n + l] += A[i * sh.k + j] * B[j * sh.n + l];
    auto fx = std::make_shared<MatmulFixture>();
    fx->st = MatmulStatement{sh.m, sh.k, sh.n, {0x6d}};
    fx->proof = prove_matmul<F>(fx->st, A, B);
    fx->A = padded(A, sh.m, sh.k);
    fx->B = padded(B, sh.k, sh.n);
    fx->C = padded(C, sh.m, sh.n);
    Subject s;
    s.name = "matmul " + std::to_string(sh.m) + "x" + std::to_string(sh.k) + "x" + std::to_string(sh.n);
    s.valid = fx->proof;
    s.layout.header = common_header(kMatmulMagic);
    s.layout.header_size = kProofHeader;
    s.layout.words_offset = kProofHeader;
    s.layout.words_end = s.valid.size();
    s.accept = [fx](const Bytes& b, Tally& t) {
      const auto c = verify_matmul<E>(fx->st, b);
      if (c.c_value != mle_evaluate<E, F>(fx->C, c.point_c()) || c.a_value != mle_evaluate<E, F>(fx->A, c.point_a()) ||
          c.b_value != mle_evaluate<E, F>(fx->B, c.point_b())) {
        ++t.refuted;
        return false;
      }
      return true;
    };
    out.push_back(std::move(s));
  }
  return out;
}

struct HadamardFixture {
  HadamardStatement st;
  std::vector<F> A, B, C;  // padded
  Bytes proof;
};

std::vector<Subject> hadamard_subjects(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Subject> out;
  for (std::size_t size : {1, 2, 5, 16}) {
    auto A = test::random_small(rng, size, 100), B = test::random_small(rng, size, 100);
    auto fx = std::make_shared<HadamardFixture>();
    fx->st = HadamardStatement{size, {0x68}};
    fx->proof = prove_hadamard<F>(fx->st, A, B);
    const std::size_t p = std::size_t{1} << log2_ceil(size);
    A.resize(p, F::zero());
    B.resize(p, F::zero());
    fx->C.resize(p);
    for (std::size_t i = 0; i < p; ++i) fx->C[i] = A[i] * B[i];
    fx->A = std::move(A);
    fx->B = std::move(B);
    Subject s;
    s.name = "hadamard size " + std::to_string(size);
    s.valid = fx->proof;
    s.layout.header = common_header(kHadamardMagic);
    s.layout.header_size = kProofHeader;
    s.layout.words_offset = kProofHeader;
    s.layout.words_end = s.valid.size();
    s.accept = [fx](const Bytes& b, Tally& t) {
      const auto c = verify_hadamard<E>(fx->st, b);
      if (c.c_value != mle_evaluate<E, F>(fx->C, c.z) || c.a_value != mle_evaluate<E, F>(fx->A, c.r) ||
          c.b_value != mle_evaluate<E, F>(fx->B, c.r)) {
        ++t.refuted;
        return false;
      }
      return true;
    };
    out.push_back(std::move(s));
  }
  return out;
}

MerkleTree random_tree(std::mt19937_64& rng, unsigned depth) {
  std::vector<Bytes> leaves(std::size_t{1} << depth);
  for (auto& l : leaves) {
    l.resize(1 + rng() % 40);
    for (auto& x : l) x = static_cast<std::uint8_t>(rng());
  }
  return MerkleTree::from_leaves(leaves);
}

std::vector<Subject> merkle_path_subjects(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Subject> out;
  for (unsigned depth : {0u, 1u, 4u, 7u}) {
    const MerkleTree tree = random_tree(rng, depth);
    for (int rep = 0; rep < 2; ++rep) {
      const std::uint64_t index = rng() % tree.num_leaves();
      Subject s;
      s.name = "path depth " + std::to_string(depth) + " index " + std::to_string(index);
      s.valid = tree.open(index).to_bytes();
      s.layout.header = {{0, 1, kMerkleMaxDepth}};
      s.layout.header_size = 1;
      const Digest root = tree.root(), leaf = tree.leaf_hash(index);
      s.accept = [root, depth, index, leaf](const Bytes& b, Tally&) {
        return merkle_verify(root, depth, index, leaf, MerklePath::from_bytes(b));
      };
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<Subject> merkle_multipath_subjects(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Subject> out;
  for (unsigned depth : {0u, 3u, 6u}) {
    const MerkleTree tree = random_tree(rng, depth);
    for (int rep = 0; rep < 2; ++rep) {
      std::vector<std::uint64_t> indices(1 + rng() % 6);
      for (auto& i : indices) i = rng() % tree.num_leaves();
      std::vector<Digest> leaves;
      for (auto i : indices) leaves.push_back(tree.leaf_hash(i));
      Subject s;
      s.name = "multipath depth " + std::to_string(depth) + ", " + std::to_string(indices.size()) + " indices";
      s.valid = tree.open_multi(indices).to_bytes();
      s.layout.header = {{0, 1, kMerkleMaxDepth}, {1, 8, kMerkleMaxMultiSiblings}};
      s.layout.header_size = 9;
      const Digest root = tree.root();
      s.accept = [root, depth, indices, leaves](const Bytes& b, Tally&) {
        return merkle_verify_multi(root, depth, indices, leaves, MerkleMultiPath::from_bytes(b));
      };
      out.push_back(std::move(s));
    }
  }
  return out;
}

// A decoder fuzzed on its own: accepted inputs re-encode to themselves.
// decode(bytes, v) decodes an input derived from valid[v] and returns its re-encoding.
template <class Decode>
void fuzz_decoder(const char* target, const std::vector<Bytes>& valid, const std::vector<Layout>& layouts,
                  std::uint64_t seed, std::size_t per_valid, Decode&& decode) {
  Mutator mut(seed);
  Tally t;
  std::size_t current = 0;  // which valid encoding the input came from
  auto check = [&](const Bytes& in) {
    Bytes re;
    const bool ok = run_guarded(target, in, t, [&] {
      re = decode(in, current);
      return true;
    });
    if (ok && re != in)
      FAIL(std::string(target) << ": accepted a non-canonical encoding " << hex(in) << "\nwhich re-encodes to "
                               << hex(re));
  };
  for (std::size_t v = 0; v < valid.size(); ++v) {
    current = v;
    const std::size_t before = t.accepted;
    check(valid[v]);
    REQUIRE_MESSAGE(t.accepted == before + 1, std::string(target)
                                                  << ": the valid encoding " << hex(valid[v]) << " is rejected");
    for (std::size_t i = 0; i < per_valid; ++i) check(mut.mutate(valid[v], layouts[v], valid));
    for (std::size_t i = 0; i < per_valid / 4; ++i) {
      Bytes b = mut.random_bytes();
      if (i % 2)
        b.insert(b.begin(), valid[v].begin(),
                 valid[v].begin() + static_cast<std::ptrdiff_t>(std::min(layouts[v].header_size, valid[v].size())));
      check(b);
    }
  }
  report(target, t);
}

}  // namespace

// ---- primitives ---------------------------------------------------------------------------

TEST_CASE("fuzz: Goldilocks and GoldilocksExt2 from_bytes accept exactly the canonical words") {
  Mutator mut(0xf1e1d);
  const std::uint64_t edges[] = {
      0, 1, kP - 2, kP - 1, kP, kP + 1, kU64Max - 1, kU64Max, kU32Max, std::uint64_t{1} << 32, std::uint64_t{1} << 63};
  auto pick = [&](std::size_t i) { return i % 3 == 0 ? edges[mut.below(std::size(edges))] : mut.word(); };
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < 200000; ++i) {
    const std::uint64_t w0 = pick(i), w1 = pick(i / 2 + 1);
    std::uint8_t in[16];
    for (int b = 0; b < 8; ++b) {
      in[b] = static_cast<std::uint8_t>(w0 >> (8 * b));
      in[8 + b] = static_cast<std::uint8_t>(w1 >> (8 * b));
    }
    const auto g = Goldilocks::from_bytes(in);
    REQUIRE(g.has_value() == (w0 < kP));
    if (g) {
      REQUIRE(g->value() == w0);
      std::uint8_t out[8];
      g->to_bytes(out);
      REQUIRE(std::equal(out, out + 8, in));
    }
    const auto e = GoldilocksExt2::from_bytes(in);
    REQUIRE(e.has_value() == (w0 < kP && w1 < kP));
    if (e) {
      ++accepted;
      std::uint8_t out[16];
      e->to_bytes(out);
      REQUIRE(std::equal(out, out + 16, in));
    }
  }
  CHECK(accepted > 0);
}

TEST_CASE("fuzz: ByteReader primitives against a model") {
  // Random buffers and random scripts of reads; each read either returns what the
  // model says and advances by its size, or throws DecodeError where the model
  // says it must (and then decoding stops, as every decoder does).
  Mutator mut(0xb17e5);
  Tally t;
  for (std::size_t iter = 0; iter < 50000; ++iter) {
    const Bytes buf = mut.random_bytes(iter % 4 == 0 ? 2048 : 64);
    ByteReader r(buf, "fuzz buffer");
    std::size_t pos = 0;  // the model
    auto rem = [&] { return buf.size() - pos; };
    const Bytes& input = buf;
    for (int step = 0; step < 24; ++step) {
      const std::size_t op = mut.below(12);
      bool expect_ok = true;
      std::size_t advance = 0;
      std::uint64_t arg = 0, cap = 0, min_item = 0;
      // clang-format off
      switch (op) {
        case 0: advance = 1; break;   // u8
        case 1: advance = 2; break;   // u16
        case 2: advance = 4; break;   // u32
        case 3: advance = 8; break;   // u64
        case 4: {                     // length(cap, name, min_item_bytes)
          const std::uint64_t caps[] = {0, 1, 7, 255, 1u << 20, kU32Max, kU64Max};
          cap = caps[mut.below(std::size(caps))];
          min_item = mut.below(4) == 0 ? 0 : 1 + mut.below(40);
          if (rem() >= 8) arg = get_le(buf, pos, 8);
          expect_ok = rem() >= 8 && arg <= cap && (min_item == 0 || arg <= (rem() - 8) / min_item);
          advance = 8;
          break;
        }
        case 5: arg = mut.below(rem() + 3); advance = arg; break;  // bytes(n)
        case 6: advance = 8; break;   // field<Goldilocks>
        case 7: advance = 16; break;  // field<GoldilocksExt2>
        case 8:                       // fields<Goldilocks>(n)
        case 9: {                     // fields<GoldilocksExt2>(n)
          const std::size_t k = op == 8 ? 8 : 16;
          // Now and then a count whose byte size wraps past 2^64 (FUZZ FINDING 1).
          const std::uint64_t wraps[] = {std::uint64_t{1} << 60, (std::uint64_t{1} << 60) + 1, std::uint64_t{1} << 61,
                                         (std::uint64_t{1} << 61) + 1, 0xd000000000000000, kU64Max, kU64Max / k + 1};
          arg = mut.below(8) == 0 ? wraps[mut.below(std::size(wraps))] : mut.below(rem() / k + 3);
          expect_ok = arg <= rem() / k;
          advance = expect_ok ? static_cast<std::size_t>(arg) * k : 0;
          break;
        }
        case 10: arg = mut.below(2) ? get_le(buf, pos, 4) : mut.word(); advance = 4; break;  // expect_u32
        case 11: expect_ok = pos == buf.size(); advance = 0; break;                         // finish()
      }
      // clang-format on
      if (op != 4 && op != 8 && op != 9 && op != 11) expect_ok = advance <= rem();
      // Field reads also need canonical words.
      if (expect_ok && (op == 6 || op == 7 || op == 8 || op == 9))
        for (std::size_t w = 0; w < advance / 8; ++w)
          if (get_le(buf, pos + 8 * w, 8) >= kP) expect_ok = false;
      if (expect_ok && op == 10) expect_ok = static_cast<std::uint32_t>(arg) == get_le(buf, pos, 4);
      std::uint64_t got = 0, want = 0;  // what the read returned, what the model says
      const bool ok = run_guarded("ByteReader", input, t, [&] {
        // clang-format off
        switch (op) {
          case 0: got = r.u8(); want = get_le(buf, pos, 1); break;
          case 1: got = r.u16(); want = get_le(buf, pos, 2); break;
          case 2: got = r.u32(); want = get_le(buf, pos, 4); break;
          case 3: got = r.u64(); want = get_le(buf, pos, 8); break;
          case 4: got = r.length(cap, "fuzz length", static_cast<std::size_t>(min_item)); want = arg; break;
          case 5: {
            const auto s = r.bytes(static_cast<std::size_t>(arg));
            got = s.size() + (arg != 0 && s.data() != buf.data() + pos ? 1 : 0);  // the right window
            want = arg;
            break;
          }
          case 6: got = r.field<Goldilocks>().value(); want = get_le(buf, pos, 8); break;
          case 7: got = r.field<GoldilocksExt2>().c1().value(); want = get_le(buf, pos + 8, 8); break;
          case 8: got = r.fields<Goldilocks>(static_cast<std::size_t>(arg)).size(); want = arg; break;
          case 9: got = r.fields<GoldilocksExt2>(static_cast<std::size_t>(arg)).size(); want = arg; break;
          case 10: r.expect_u32(static_cast<std::uint32_t>(arg), "fuzz tag"); break;
          case 11: r.finish(); break;
        }
        // clang-format on
        return true;
      });
      REQUIRE_MESSAGE(ok == expect_ok, "op " << op << " at " << pos << " of " << buf.size() << ", arg " << arg);
      REQUIRE_MESSAGE(got == want, "op " << op << " at " << pos << " of " << buf.size() << ", arg " << arg);
      if (!ok) break;
      pos += advance;
      REQUIRE(r.position() == pos);
      REQUIRE(r.remaining() == buf.size() - pos);
    }
  }
  CHECK(t.other_errors == 0);
  CHECK(t.verify_errors == 0);
  report("ByteReader", t);
}

// ---- sumcheck ------------------------------------------------------------------------------

TEST_CASE("fuzz: verify_sum ProductOf<2>, plain sum") {
  fuzz_verifier("verify_sum<ProductOf<2>>", sum_subjects<ProductOf<2>>(0x5c01, false), 0x5c11, {});
}
TEST_CASE("fuzz: verify_sum ProductOf<2> with an eq point") {
  fuzz_verifier("verify_sum<ProductOf<2>>+eq", sum_subjects<ProductOf<2>>(0x5c02, true), 0x5c12, {});
}
TEST_CASE("fuzz: verify_sum Square, plain sum") {
  fuzz_verifier("verify_sum<Square>", sum_subjects<Square>(0x5c03, false), 0x5c13, {});
}
TEST_CASE("fuzz: verify_sum Square with an eq point") {
  fuzz_verifier("verify_sum<Square>+eq", sum_subjects<Square>(0x5c04, true), 0x5c14, {});
}

TEST_CASE("fuzz: SumcheckProof::from_bytes decodes canonically and only the expected shape") {
  std::vector<Bytes> valid;
  std::vector<Layout> layouts;
  std::vector<std::array<std::uint32_t, 3>> shapes;
  auto add = [&](std::vector<Subject> subs, std::uint32_t degree, std::uint32_t arity) {
    for (auto& s : subs) {
      // (n = 0 has no eq point, so its degree is the composition's own.)
      shapes.push_back({static_cast<std::uint32_t>(get_le(s.valid, 8, 4)),
                        static_cast<std::uint32_t>(get_le(s.valid, 12, 4)),
                        static_cast<std::uint32_t>(get_le(s.valid, 16, 4))});
      CHECK(shapes.back()[2] == arity);
      CHECK((shapes.back()[1] == degree || shapes.back()[0] == 0));
      layouts.push_back(s.layout);
      valid.push_back(std::move(s.valid));
    }
  };
  add(sum_subjects<ProductOf<2>>(0x5d01, false), 2, 2);
  add(sum_subjects<ProductOf<2>>(0x5d02, true), 3, 2);
  add(sum_subjects<Square>(0x5d03, false), 2, 1);
  add(sum_subjects<Square>(0x5d04, true), 3, 1);
  // Each input decoded against the shape of the valid proof it came from.
  fuzz_decoder("SumcheckProof::from_bytes", valid, layouts, 0x5d20, 4000, [&](const Bytes& b, std::size_t v) {
    const auto& sh = shapes[v];
    const auto p = SumcheckProof<E>::from_bytes(b, sh[0], sh[1], sh[2]);
    REQUIRE(p.num_vars() == sh[0]);
    REQUIRE(p.finals.size() == sh[2]);
    return p.to_bytes();
  });
  Mutator mut(0x5d10);
  // Random bytes against random (also extreme) expected shapes, a valid header in front half the time.
  Tally t;
  const std::uint32_t extremes[] = {0, 1, 2, 3, 16, 17, 47, 48, 49, 0x7fffffff, 0xffffffff};
  for (std::size_t i = 0; i < 20000; ++i) {
    auto pick = [&] {
      return mut.below(2) ? extremes[mut.below(std::size(extremes))] : static_cast<std::uint32_t>(mut.below(20));
    };
    const std::uint32_t n = pick(), d = pick(), k = pick();
    Bytes b = mut.random_bytes();
    if (i % 2) {
      ByteWriter w;
      write_proof_header(w, kSumcheckMagic, E::kFieldId);
      w.u32(mut.below(2) ? n : pick());
      w.u32(mut.below(2) ? d : pick());
      w.u32(mut.below(2) ? k : pick());
      const Bytes h = std::move(w).take();
      b.insert(b.begin(), h.begin(), h.end());
    }
    Bytes re;
    const bool ok = run_guarded("SumcheckProof::from_bytes", b, t, [&] {
      re = SumcheckProof<E>::from_bytes(b, n, d, k).to_bytes();
      return true;
    });
    if (ok) REQUIRE_MESSAGE(re == b, "non-canonical accept " << hex(b));
  }
  report("SumcheckProof::from_bytes (random shapes)", t);
}

TEST_CASE("fuzz: verify_matmul") { fuzz_verifier("verify_matmul", matmul_subjects(0x6d01), 0x6d11, {}); }

TEST_CASE("fuzz: verify_hadamard") { fuzz_verifier("verify_hadamard", hadamard_subjects(0x6801), 0x6811, {}); }

// ---- Merkle ----------------------------------------------------------------------------------

TEST_CASE("fuzz: MerklePath::from_bytes + merkle_verify") {
  fuzz_verifier("merkle_verify(MerklePath)", merkle_path_subjects(0x3e01), 0x3e11, {});
  const auto subs = merkle_path_subjects(0x3e02);
  std::vector<Bytes> valid;
  std::vector<Layout> layouts;
  for (const auto& s : subs) {
    valid.push_back(s.valid);
    layouts.push_back(s.layout);
  }
  fuzz_decoder("MerklePath::from_bytes", valid, layouts, 0x3e21, 6000,
               [](const Bytes& b, std::size_t) { return MerklePath::from_bytes(b).to_bytes(); });
}

TEST_CASE("fuzz: MerkleMultiPath::from_bytes + merkle_verify_multi") {
  fuzz_verifier("merkle_verify_multi(MerkleMultiPath)", merkle_multipath_subjects(0x3f01), 0x3f11, {});
  const auto subs = merkle_multipath_subjects(0x3f02);
  std::vector<Bytes> valid;
  std::vector<Layout> layouts;
  for (const auto& s : subs) {
    valid.push_back(s.valid);
    layouts.push_back(s.layout);
  }
  fuzz_decoder("MerkleMultiPath::from_bytes", valid, layouts, 0x3f21, 6000,
               [](const Bytes& b, std::size_t) { return MerkleMultiPath::from_bytes(b).to_bytes(); });
}

// ---- FUZZ FINDINGS (regression tests) -----------------------------------------------------

// FUZZ FINDING 1 (fuzz/fuzz_byte_reader, docs/fuzzing.md; fixed in 80f2b64, kept as a
// regression test). ByteReader::fields<F>(n) checked need(n * F::kByteSize) without
// guarding the multiplication: a count with n * kByteSize >= 2^64 wrapped to a small
// number, passed the truncation check, and out.reserve(n) threw std::length_error
// ("vector::reserve") instead of a DecodeError. libFuzzer's minimized reproducer,
// 10 bytes: 00000000000000d0b20b = fuzz_byte_reader script "fields<GoldilocksExt2>(
// 0xd000000000000000) on an empty buffer" (0xd000000000000000 · 16 ≡ 0 mod 2^64).
// Latent at the time: no decoder passed an unchecked count (all use fixed shapes or
// ByteReader::length), but any `r.fields<E>(count_from_the_wire)` would have inherited it.
TEST_CASE("FUZZ FINDING 1: ByteReader::fields(n) with n * kByteSize past 2^64 must throw DecodeError") {
  const std::uint64_t p61 = std::uint64_t{1} << 61, p60 = std::uint64_t{1} << 60;
  for (std::size_t len : {0, 8, 16, 64}) {
    const Bytes buf(len, 0);
    for (std::uint64_t n :
         {p61, p61 + 1, p61 + 2, std::uint64_t{1} << 62, std::uint64_t{1} << 63, kU64Max, kU64Max / 8 + 1}) {
      CAPTURE(len);
      CAPTURE(n);
      ByteReader r(buf, "finding 1");
      CHECK_THROWS_AS(r.fields<Goldilocks>(static_cast<std::size_t>(n)), DecodeError);
    }
    for (std::uint64_t n : {p60, p60 + 1, p60 + 4, p61, kU64Max / 16 + 1, std::uint64_t{0xd000000000000000}}) {
      CAPTURE(len);
      CAPTURE(n);
      ByteReader r(buf, "finding 1");
      CHECK_THROWS_AS(r.fields<GoldilocksExt2>(static_cast<std::size_t>(n)), DecodeError);
    }
  }
}
