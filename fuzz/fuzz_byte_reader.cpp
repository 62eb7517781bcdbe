// libFuzzer target: the ByteReader primitives every wire format is built from,
// and Goldilocks / GoldilocksExt2::from_bytes (docs/fuzzing.md).
// Input, through FuzzedDataProvider: a script of up to 24 reads (taken from the
// end of the input: op, then its u64 argument and cap) and a buffer (the rest).
// Each read is checked against a model: it returns what the bytes say and
// advances by its size, or throws DecodeError exactly where the model says the
// buffer is too short, a word is non-canonical, a length exceeds its cap, or a
// tag differs; then decoding stops, as in every decoder.
//
// Counts passed to bytes(n) / fields(n) / length(cap, ..., min_item) are taken
// from the input unchecked, as a decoder reading a count from the wire would.
// -DVTENSOR_FUZZ_MASK_KNOWN_FINDINGS keeps fields(n) counts below 2^32, so that a
// campaign on a tree without the fix of FUZZ FINDING 1 (80f2b64; see
// tests/test_fuzz_decoders.cpp) can go on past it.
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_common.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

namespace {

std::uint64_t le(std::span<const std::uint8_t> b, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= std::uint64_t{b[at + i]} << (8 * i);
  return v;
}

bool canonical_words(std::span<const std::uint8_t> b, std::size_t at, std::size_t words) {
  for (std::size_t w = 0; w < words; ++w)
    if (le(b, at + 8 * w, 8) >= Goldilocks::kModulus) return false;
  return true;
}

void check_field_from_bytes(std::span<const std::uint8_t> buf, std::span<const std::uint8_t> raw) {
  if (buf.size() < 16) return;
  const std::uint64_t w0 = le(buf, 0, 8), w1 = le(buf, 8, 8);
  const auto g = Goldilocks::from_bytes(buf.data());
  if (g.has_value() != (w0 < Goldilocks::kModulus) || (g && g->value() != w0))
    finding("Goldilocks::from_bytes disagrees with the canonical-word model", raw);
  const auto e = GoldilocksExt2::from_bytes(buf.data());
  if (e.has_value() != (w0 < Goldilocks::kModulus && w1 < Goldilocks::kModulus))
    finding("GoldilocksExt2::from_bytes disagrees with the canonical-word model", raw);
  if (e) {
    std::uint8_t out[16];
    e->to_bytes(out);
    if (!std::equal(out, out + 16, buf.begin())) finding("GoldilocksExt2 does not re-encode to its bytes", raw);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);
  FuzzedDataProvider fdp(data, size);
  struct Op {
    unsigned code;
    std::uint64_t arg, cap;
  };
  std::vector<Op> script(fdp.ConsumeIntegralInRange<unsigned>(0, 24));
  for (auto& op : script) {
    op.code = fdp.ConsumeIntegralInRange<unsigned>(0, 12);
    op.arg = fdp.ConsumeIntegral<std::uint64_t>();
    op.cap = fdp.ConsumeIntegral<std::uint64_t>();
  }
  const std::vector<std::uint8_t> buf = fdp.ConsumeRemainingBytes<std::uint8_t>();
  check_field_from_bytes(buf, raw);

  ByteReader r(buf, "fuzz buffer");
  std::size_t pos = 0;  // the model's position
  for (const Op& op : script) {
    const std::size_t rem = buf.size() - pos;
    std::uint64_t arg = op.arg;
#ifdef VTENSOR_FUZZ_MASK_KNOWN_FINDINGS
    if (op.code == 8 || op.code == 9) arg &= 0xffffffffu;
#endif
    bool expect_ok = true;
    std::size_t advance = 0;
    std::uint64_t want = 0;
    switch (op.code) {
      case 0:
      case 1:
      case 2:
      case 3: {  // u8 u16 u32 u64
        const std::size_t w = std::size_t{1} << op.code;
        advance = w;
        expect_ok = w <= rem;
        if (expect_ok) want = le(buf, pos, w);
        break;
      }
      case 4: {  // length(cap, name, min_item_bytes = arg)
        advance = 8;
        if (rem < 8) {
          expect_ok = false;
        } else {
          want = le(buf, pos, 8);
          expect_ok = want <= op.cap && (arg == 0 || want <= (rem - 8) / arg);
        }
        break;
      }
      case 5:  // bytes(n)
        expect_ok = arg <= rem;
        advance = static_cast<std::size_t>(arg);
        want = arg;
        break;
      case 6:  // field<Goldilocks>
      case 7:  // field<GoldilocksExt2>
        advance = op.code == 6 ? 8 : 16;
        expect_ok = advance <= rem && canonical_words(buf, pos, advance / 8);
        if (expect_ok) want = le(buf, pos, 8);
        break;
      case 8:    // fields<Goldilocks>(n)
      case 9: {  // fields<GoldilocksExt2>(n)
        const std::size_t k = op.code == 8 ? 8 : 16;
        expect_ok = arg <= rem / k && canonical_words(buf, pos, static_cast<std::size_t>(arg) * (k / 8));
        advance = expect_ok ? static_cast<std::size_t>(arg) * k : 0;
        want = arg;
        break;
      }
      case 10:  // expect_u32(arg)
        advance = 4;
        expect_ok = rem >= 4 && le(buf, pos, 4) == static_cast<std::uint32_t>(arg);
        break;
      case 11:  // expect_u16(arg)
        advance = 2;
        expect_ok = rem >= 2 && le(buf, pos, 2) == static_cast<std::uint16_t>(arg);
        break;
      case 12:  // finish()
        expect_ok = rem == 0;
        break;
    }
    std::uint64_t got = 0;
    bool ok = false;
    try {
      switch (op.code) {
        case 0:
          got = r.u8();
          break;
        case 1:
          got = r.u16();
          break;
        case 2:
          got = r.u32();
          break;
        case 3:
          got = r.u64();
          break;
        case 4:
          got = r.length(op.cap, "fuzz length", static_cast<std::size_t>(arg));
          break;
        case 5: {
          const auto s = r.bytes(static_cast<std::size_t>(arg));
          if (s.size() != arg || (arg != 0 && s.data() != buf.data() + pos))
            finding("ByteReader::bytes returned the wrong window", raw);
          got = s.size();
          break;
        }
        case 6:
          got = r.field<Goldilocks>().value();
          break;
        case 7:
          got = r.field<GoldilocksExt2>().c0().value();
          break;
        case 8:
          got = r.fields<Goldilocks>(static_cast<std::size_t>(arg)).size();
          break;
        case 9:
          got = r.fields<GoldilocksExt2>(static_cast<std::size_t>(arg)).size();
          break;
        case 10:
          r.expect_u32(static_cast<std::uint32_t>(arg), "fuzz tag");
          break;
        case 11:
          r.expect_u16(static_cast<std::uint16_t>(arg), "fuzz tag");
          break;
        case 12:
          r.finish();
          break;
      }
      ok = true;
    } catch (const DecodeError& e) {
      if (std::string(e.what()).empty()) finding("DecodeError with an empty message", raw);
    }
    // Any other exception escapes: libFuzzer reports it with this input.
    if (ok != expect_ok)
      finding(ok ? "ByteReader accepted a read the model rejects" : "ByteReader rejected a valid read", raw);
    if (!ok) break;
    if (got != want) finding("ByteReader returned a value other than the bytes say", raw);
    pos += advance;
    if (r.position() != pos || r.remaining() != buf.size() - pos) finding("ByteReader position drifted", raw);
  }
  return 0;
}
