// libFuzzer target: ModelLayout::decode on arbitrary bytes (docs/fuzzing.md). It
// must throw a DecodeError, or return a layout that
//   * re-encodes to exactly the input (the format is canonical),
//   * decodes again to itself, with digest() = SHA-256 of the input,
//   * places every tensor as documented (commit/model_layout.hpp): shape dims
//     in [1, 2^40], d_t = Σ ⌈log2 d_i⌉, offsets multiples of 2^{d_t}, by_offset() a
//     permutation in increasing offset order with the tensors packed back to back
//     in decreasing size (ties by input order), inside the 2^n table, n ≤ 40 and n
//     the least with room unless the encoding asked for more, names distinct and
//     found by find(),
//   * and cuts into aligned parts as documented: for part_vars ≥ every d_t (up to n)
//     check_part_vars passes and part_of(t) = off_t >> part_vars with the whole
//     tensor inside that part (never the "straddles two parts" internal error);
//     one below the largest d_t, and above n, they throw ArgumentError.
// Any other exception (even another vtensor::Error) is a finding.
#include <algorithm>
#include <set>

#include "fuzz_common.hpp"
#include "vtensor/commit/model_layout.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

namespace {

void check_layout(const ModelLayout& l, std::span<const std::uint8_t> raw) {
  auto bad = [&](const char* what) { finding((std::string("ModelLayout::decode: ") + what).c_str(), raw); };
  if (l.encode() != Bytes(raw.begin(), raw.end())) bad("accepted bytes that do not re-encode to themselves");
  if (!(ModelLayout::decode(raw) == l)) bad("decoding twice gives two layouts");
  if (l.digest() != sha256(raw)) bad("digest() is not SHA-256 of the encoding");
  if (l.size() == 0 || l.size() > kModelMaxTensors) bad("tensor count out of range");
  if (l.num_vars() > kModelMaxVars) bad("n > 40");
  const auto order = l.by_offset();
  if (order.size() != l.size()) bad("by_offset() has the wrong length");
  std::vector<bool> seen(l.size(), false);
  std::set<std::string> names;
  std::uint64_t at = 0;
  unsigned prev_log = 64;
  std::size_t prev_t = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t t = order[i];
    if (t >= l.size() || seen[t]) bad("by_offset() is not a permutation");
    seen[t] = true;
    const ModelTensor& x = l.tensor(t);
    if (x.numel == 0 || x.numel > (std::uint64_t{1} << kModelMaxVars)) bad("numel out of range");
    if (x.shape.empty() || x.shape.size() > kModelMaxRank) bad("rank out of range");
    std::uint64_t prod = 1;
    for (auto d : x.shape) prod *= d;
    if (prod != x.numel) bad("numel is not the product of the shape");
    if (x.log_size != shape_vars(x.shape)) bad("log_size is not the sum of ceil(log2 d_i)");
    if (x.offset != at) bad("tensors are not packed back to back in offset order");
    if (x.offset % x.padded() != 0) bad("an offset is not a multiple of the padded size");
    if (x.log_size > prev_log || (x.log_size == prev_log && t < prev_t)) bad("placement order is not by decreasing size, ties by input order");
    prev_log = x.log_size;
    prev_t = t;
    at += x.padded();
    if (x.name.empty() || x.name.size() > kModelMaxNameBytes) bad("a name is empty or too long");
    if (!names.insert(x.name).second) bad("a name appears twice");
    const auto f = l.find(x.name);
    if (!f || *f != t) bad("find() does not return the tensor");
  }
  if (at > l.table_size()) bad("the tensors overflow the table");
  if (l.num_vars() < log2_ceil(at)) bad("n is below what the tensors need");

  // Parts. Error paths build messages, so only a few part sizes per tensor.
  auto throws_argument = [&](auto&& fn) {
    try {
      fn();
    } catch (const ArgumentError&) {
      return true;
    }
    return false;
  };
  const unsigned n = l.num_vars();
  unsigned max_log = 0;
  for (const auto& x : l.tensors()) max_log = std::max(max_log, x.log_size);
  if (throws_argument([&] { l.check_part_vars(max_log); })) bad("check_part_vars rejects the largest tensor's size");
  if (throws_argument([&] { l.check_part_vars(n); })) bad("check_part_vars rejects part_vars = n");
  if (max_log > 0 && !throws_argument([&] { l.check_part_vars(max_log - 1); }))
    bad("check_part_vars accepts parts smaller than a tensor");
  if (!throws_argument([&] { l.check_part_vars(n + 1); })) bad("check_part_vars accepts part_vars > n");
  for (std::size_t t = 0; t < l.size(); ++t) {
    const ModelTensor& x = l.tensor(t);
    for (unsigned pv : {x.log_size, (x.log_size + n) / 2, n}) {
      const std::uint64_t q = l.part_of(t, pv);  // vtensor::Error "straddles" escapes: a finding
      if (q != x.offset >> pv || ((x.offset + x.padded() - 1) >> pv) != q) bad("part_of gives the wrong part");
    }
    if (x.log_size > 0 && !throws_argument([&] { (void)l.part_of(t, x.log_size - 1); }))
      bad("part_of accepts a part smaller than the tensor");
    if (!throws_argument([&] { (void)l.part_of(t, n + 1); })) bad("part_of accepts part_vars > n");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);
  std::optional<ModelLayout> l;
  try {
    l.emplace(ModelLayout::decode(raw));
  } catch (const DecodeError& e) {
    if (std::string(e.what()).empty()) finding("DecodeError with an empty message", raw);
    return 0;
  }
  check_layout(*l, raw);
  return 0;
}
