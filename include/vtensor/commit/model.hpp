// vtensor/commit/model.hpp — streamed model commitments: a whole checkpoint committed
// as ONE WHIR polynomial (commit/whir.hpp), computed chunk by chunk so that memory does
// not grow with the model; the codeword goes to a file. docs/model_commitment.md.
//
// The model table M (2^n entries, commit/model_layout.hpp) is committed as the WHIR
// table T[l·2^m + h] = M[h·2^c + l] (index bits rotated by c = chunk log, m = n − c):
// the root equals Whir::commit(params, T).first.root, params.num_vars = n.
//
// F(X) = Σ_i c_i X^i (c = Möbius transform of T), N = 2^{n+R}, ω = root_of_unity(n+R).
// The low m variables of T are the chunk index h, so
//   F(X) = Σ_h X^h G_h(X^{2^m}),  G_h(Y) = Σ_l c[l·2^m + h] Y^l.
// Phase 1, chunk by chunk (chunk h = M[h·2^c, (h+1)·2^c)): Möbius over the c local bits,
//   then its codeword Ĝ'_h on L' = <ω^{2^m}> (2^{c+R} points, natural order) → a scratch
//   file. (The Möbius over the chunk bits h is linear and commutes with evaluation.)
// Phase 2, per block of consecutive y < 2^{c+R}: read Ĝ'_h(y) for every h, Möbius over h
//   gives G_h(y), and F(ω^{y + s·2^{c+R}}) = Σ_h μ^{hs} ω^{yh} G_h(y) (a twist and a
//   2^m-point DFT, μ = ω^{2^{c+R}}). Value s = t + s'·2^{m−k0} lands in fiber row
//   j = y + t·2^{c+R} at position s' (k0 = first folding factor). Rows are written to
//   the codeword file at row j and hashed; the rows of one t are the aligned subtree
//   [t·2^{c+R}, (t+1)·2^{c+R}) of the Merkle tree, whose root a StreamingMerkle builds
//   from the blocks in order; the 2^{m−k0} subtree roots make the top of the tree.
//
// Memory: O(2^{c+R}) in phase 1 (two chunks, two chunk codewords, NTT scratch) and
// O(block_entries) in phase 2; disk: the scratch file and the codeword file, 2^{n+R}
// values each (phase 2 punches holes in the scratch file behind it, so the two together
// stay near 2^{n+R} values where the file system supports it). File I/O runs on a helper
// thread beside the compute (double buffers), so source.read() is called from it.
//
// Opening: materialize() rebuilds WhirProverData with T in memory (2^n entries) and the
// codeword read back from the file; a streamed opening is future work.
//
// One polynomial needs n + R ≤ 32 (the 2-adicity of Goldilocks). Larger models are cut
// into aligned parts of 2^{n_part} entries, each committed with this same streamed
// commit and opened together with Whir::open_batch: commit/model_parts.hpp (included
// at the end of this header).
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <future>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>

#include "vtensor/commit/detail/model_io.hpp"
#include "vtensor/commit/detail/model_stream.hpp"
#include "vtensor/commit/model_layout.hpp"
#include "vtensor/commit/model_source.hpp"
#include "vtensor/commit/whir.hpp"
#include "vtensor/commit/whir_params.hpp"
#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/buffer.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/hash/capped_merkle.hpp"
#include "vtensor/hash/merkle.hpp"
#include "vtensor/poly/reed_solomon.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

struct ModelCommitOptions {
  unsigned chunk_log = 24;                         // requested c (2^c entries per chunk)
  std::filesystem::path dir;                       // scratch and codeword files; empty: the system temp dir
  std::size_t block_entries = std::size_t{1} << 22;  // phase-2 working set, in values (B·2^m)
  // commit_model_parts only (commit/model_parts.hpp): a part has at most this many
  // variables; 0 (the default) or anything above 32 − R means 32 − R (the 2-adicity).
  unsigned max_part_vars = 0;
};

// c = min(requested, n − k0), k0 = params.schedule()[0].fold; c = n when the schedule is
// empty (n ≤ final_vars: the table is committed in memory, nothing to stream).
inline unsigned model_chunk_log(const WhirParams& params, unsigned requested) {
  const auto sched = params.schedule();
  if (sched.empty()) return params.num_vars;
  return std::min(requested, params.num_vars - sched[0].fold);
}

// T[l·2^m + h] = M[h·2^c + l]: M read as 2^m rows of 2^c, transposed.
inline std::vector<Goldilocks> model_to_whir_table(std::span<const Goldilocks> m, unsigned chunk_log) {
  const unsigned n = log2_exact(m.size());
  if (chunk_log > n) throw ArgumentError("model_to_whir_table: chunk_log exceeds n");
  std::vector<Goldilocks> t(m.size());
  detail::poly::transpose(m.data(), std::size_t{1} << (n - chunk_log), std::size_t{1} << chunk_log, t.data());
  return t;
}

// What a verifier must know besides the roots: the layout (by digest), c, and how M is
// cut into parts: part_vars = n_part and the number of parts 2^{n − n_part} (n_part = n
// for a one-polynomial commitment, the three-argument form). Absorb before Whir::open /
// Whir::verify (which then seal the statement); open_model / verify_model
// (commit/model_parts.hpp) call it themselves.
inline void bind_model(Transcript& t, const ModelLayout& layout, unsigned chunk_log, unsigned part_vars) {
  if (part_vars > layout.num_vars())
    throw ArgumentError("bind_model: part_vars = " + std::to_string(part_vars) + " exceeds n = " +
                        std::to_string(layout.num_vars()));
  const Digest d = layout.digest();
  t.absorb("model/layout", std::span<const std::uint8_t>(d.data(), Digest::kSize));
  t.absorb_u64("model/chunk_log", chunk_log);
  t.absorb_u64("model/part_vars", part_vars);
  t.absorb_u64("model/parts", std::uint64_t{1} << (layout.num_vars() - part_vars));
}
inline void bind_model(Transcript& t, const ModelLayout& layout, unsigned chunk_log) {
  bind_model(t, layout, chunk_log, layout.num_vars());
}

namespace model_detail {

// WhirProverData of one committed table: table = T (m rotated by c), fibers read back
// from the codeword file, and their tree, whose root must equal `root` (DecodeError
// otherwise: a damaged file).
inline WhirProverData materialize_table(const WhirParams& params, std::span<const Goldilocks> m, unsigned c,
                                        const std::filesystem::path& codeword, const Digest& root) {
  if (codeword.empty()) throw ArgumentError("model materialize: the codeword file was released");
  WhirProverData pd;
  pd.params = params;
  pd.table = model_to_whir_table(m, c);
  const auto sched = params.schedule();
  const unsigned k0 = sched.empty() ? 0 : sched[0].fold;
  const std::uint64_t total = std::uint64_t{1} << (params.num_vars + params.log_inv_rate);
  File f(codeword, O_RDONLY);
  if (f.size() != total * 8)
    throw DecodeError("model codeword file '" + f.path() + "' has " + std::to_string(f.size()) + " bytes, expected " +
                      std::to_string(total * 8));
  pd.fibers.resize(total);
  f.pread_all(pd.fibers.data(), total * 8, 0);
  pd.tree = MerkleTree::from_rows<Goldilocks>(pd.fibers, std::size_t{1} << k0);
  if (pd.tree.root() != root) throw DecodeError("model codeword file '" + f.path() + "' does not match the committed root");
  return pd;
}

// The streamed commit of one table M' of 2^{params.num_vars} entries (see the top):
// read_table(off, dst) fills dst with M'[off, off + dst.size()) and is called from a
// helper thread, one call at a time. The WHIR table is M' rotated by c
// (c = model_chunk_log(params, ·)); the codeword is written to cw, the scratch file
// goes to dir; returns the root. params must be valid, not hiding.
inline constexpr unsigned kModelCapHeight = 10;  // the cap the streamed commit keeps

template <class Read>
Digest commit_streamed(const WhirParams& params, Read&& read_table, unsigned c, const std::filesystem::path& dir,
                       std::size_t block_entries, const File& cw, MerkleCap* cap = nullptr) {
  const unsigned n = params.num_vars, R = params.log_inv_rate, m = n - c;
  const auto sched = params.schedule();
  if (sched.empty()) {  // small: in memory, T = M'
    std::vector<Goldilocks> table(std::size_t{1} << n);
    read_table(std::uint64_t{0}, std::span<Goldilocks>(table));
    const auto [com, pd] = Whir::commit(params, table);
    cw.pwrite_all(pd.fibers.data(), pd.fibers.size() * 8, 0);
    return com.root;
  }
  const unsigned k0 = sched[0].fold;
  const std::size_t chunk = std::size_t{1} << c, L = std::size_t{1} << (c + R), H = std::size_t{1} << m;

  // Phase 1: groups of G chunks (G·2^{c+R} ≈ 2^20 values when chunks are small). The
  // read of group g+1 and the write of group g−1 run beside the encoding of group g.
  auto created = create_unique(dir, "vtensor-model-scratch");  // (no structured binding: lambdas capture it)
  File& scratch = created.first;
  {
    const std::size_t G = std::clamp<std::size_t>((std::size_t{1} << 20) >> (c + R), 1, H), groups = H / G;
    std::vector<Goldilocks> msg[2] = {std::vector<Goldilocks>(G * chunk), std::vector<Goldilocks>(G * chunk)};
    std::vector<Goldilocks> code[2] = {std::vector<Goldilocks>(G == 1 ? L : 0), std::vector<Goldilocks>(G == 1 ? L : 0)};
    Background reading, writing;  // after the buffers: joined before they die
    auto read = [&](std::size_t g) {
      read_table(static_cast<std::uint64_t>(g * G) << c, std::span<Goldilocks>(msg[g % 2]));
    };
    reading.start([&, g = std::size_t{0}] { read(g); });
    for (std::size_t g = 0; g < groups; ++g) {
      reading.wait();
      if (g + 1 < groups) reading.start([&, g] { read(g + 1); });
      std::vector<Goldilocks>& in = msg[g % 2];
      if (G == 1) {
        mle_evals_to_coeffs<Goldilocks>(in);
        rs_encode_into<Goldilocks>(in, R, code[g % 2]);  // its last write (group g − 2) is done
      } else {
        detail::parallel_chunks(G, 1, [&](std::size_t lo, std::size_t hi, int) {
          for (std::size_t k = lo; k < hi; ++k) mle_evals_to_coeffs<Goldilocks>(std::span<Goldilocks>(in).subspan(k * chunk, chunk));
        });
        code[g % 2] = rs_encode_rows<Goldilocks>(in, chunk, R);
      }
      // start() waits for the write of group g − 1 first
      writing.start([&, g] { scratch.pwrite_all(code[g % 2].data(), G * L * 8, g * G * L * 8); });
    }
    writing.wait();
  }

  // Phase 2: blocks of B consecutive y; the read of block b+1 and the write of block
  // b−1 run beside the transform and hashing of block b.
  const std::size_t K = std::size_t{1} << k0, T = H >> k0;
  const std::size_t B = std::clamp<std::size_t>(std::bit_floor(std::max<std::size_t>(block_entries >> m, 1)), 1, L);
  const std::size_t blocks = L / B;
  const Goldilocks omega = Goldilocks::root_of_unity(n + R);
  detail::UninitArray<Goldilocks> in[2] = {detail::make_uninit_array<Goldilocks>(H * B),
                                           detail::make_uninit_array<Goldilocks>(H * B)};
  detail::UninitArray<Goldilocks> rows[2] = {detail::make_uninit_array<Goldilocks>(H * B),
                                             detail::make_uninit_array<Goldilocks>(H * B)};
  auto tr = detail::make_uninit_array<Goldilocks>(H * B);
  // Each t's B rows are cut into subtrees of 2^h rows (the cap level), hashed in parallel.
  const unsigned h = std::min(kModelCapHeight, log2_exact(B));
  const std::size_t per_block = B >> h;
  std::vector<Digest> parts(T * per_block);
  if (cap) {
    cap->height = h;
    cap->digests.assign((T * L) >> h, Digest{});
  }
  std::vector<StreamingMerkle> trees(T, StreamingMerkle(log2_exact(blocks)));
  Background reading, writing;
  auto read = [&](std::size_t b) {
    for (std::size_t h = 0; h < H; ++h) scratch.pread_all(&in[b % 2][h * B], B * 8, (h * L + b * B) * 8);
  };
  reading.start([&] { read(0); });
  for (std::size_t b = 0; b < blocks; ++b) {
    reading.wait();
    if (b + 1 < blocks) reading.start([&, b] { read(b + 1); });
    Goldilocks* r = rows[b % 2].get();  // its last write (block b − 2) is done
    block_to_fibers(in[b % 2].get(), tr.get(), r, m, k0, B, b * B, omega);
    writing.start([&, b, r] {  // waits for the write of block b − 1 first
      for (std::size_t t = 0; t < T; ++t) cw.pwrite_all(r + t * B * K, B * K * 8, (t * L + b * B) * K * 8);
      for (std::size_t h = 0; h < H; ++h) scratch.punch_hole((h * L + b * B) * 8, B * 8);
    });
    subtree_roots(r, K, std::size_t{1} << h, T * per_block, parts.data());
    for (std::size_t t = 0; t < T; ++t) {
      StreamingMerkle block(log2_exact(per_block));
      for (std::size_t p = 0; p < per_block; ++p) block.push(parts[t * per_block + p]);
      trees[t].push(block.root());
      if (cap)
        std::copy_n(parts.begin() + static_cast<std::ptrdiff_t>(t * per_block), per_block,
                    cap->digests.begin() + static_cast<std::ptrdiff_t>((t * L + b * B) >> h));
    }
  }
  writing.wait();
  StreamingMerkle top(log2_exact(T));
  for (const auto& tree : trees) top.push(tree.root());
  return top.root();
}

}  // namespace model_detail

// The prover's side of a model commitment. Owns the codeword file (fiber rows of
// 2^{k0} canonical little-endian u64 values, row j at byte j·2^{k0}·8): it is removed
// when this object dies, unless release_codeword() hands it to the caller. Move-only.
class ModelProverData {
 public:
  using E = GoldilocksExt2;

  const ModelLayout& layout() const noexcept { return layout_; }
  const WhirParams& params() const noexcept { return params_; }
  unsigned chunk_log() const noexcept { return c_; }
  const std::filesystem::path& codeword_path() const noexcept { return codeword_.path(); }
  const Digest& root() const noexcept { return root_; }
  WhirCommitment commitment() const { return WhirCommitment{root_}; }
  std::vector<E> whir_point(std::size_t t, std::span<const E> r) const { return layout_.whir_point(t, r, c_); }
  std::filesystem::path release_codeword() noexcept { return codeword_.release(); }

  // WhirProverData for Whir::open: table = T in memory (2^n entries, read from source,
  // which must hold the committed model), fibers read back from the codeword file, and
  // their tree, whose root must equal root() (DecodeError otherwise).
  WhirProverData materialize(ModelSource& source) const {
    if (codeword_.path().empty()) throw ArgumentError("model materialize: the codeword file was released");
    if (!(source.layout() == layout_)) throw ArgumentError("model materialize: the source has another layout");
    return model_detail::materialize_table(params_, read_model_table(source), c_, codeword_.path(), root_);
  }

 private:
  friend ModelProverData commit_model(const WhirParams&, ModelSource&, const ModelCommitOptions&);
  ModelLayout layout_;
  WhirParams params_;
  unsigned c_ = 0;
  model_detail::OwnedPath codeword_;
  Digest root_{};
};

// Streams the model of `source` into one WHIR commitment (see the top). params.num_vars
// must be the layout's n (ArgumentError otherwise).
inline ModelProverData commit_model(const WhirParams& params, ModelSource& source,
                                    const ModelCommitOptions& opt = {}) {
  const ModelLayout& layout = source.layout();
  params.validate();
  if (params.num_vars != layout.num_vars())
    throw ArgumentError("commit_model: params.num_vars = " + std::to_string(params.num_vars) + ", the layout has n = " +
                        std::to_string(layout.num_vars()));
  if (params.hiding_openings > 0)
    throw ArgumentError("commit_model: hiding model commitments are not supported (commit tensors with Whir::commit)");
  const std::filesystem::path dir = opt.dir.empty() ? std::filesystem::temp_directory_path() : opt.dir;
  ModelProverData out;
  out.layout_ = layout;
  out.params_ = params;
  out.c_ = model_chunk_log(params, opt.chunk_log);
  auto [cw, cw_path] = model_detail::create_unique(dir, "vtensor-model-codeword");
  out.codeword_ = std::move(cw_path);
  out.root_ = model_detail::commit_streamed(
      params, [&](std::uint64_t off, std::span<Goldilocks> dst) { source.read(off, dst); }, out.c_, dir,
      opt.block_entries, cw);
  return out;
}

}  // namespace vtensor

// Models beyond one polynomial: parts, each committed as above, opened in one batch.
#include "vtensor/commit/model_parts.hpp"
