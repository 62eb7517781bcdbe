// vtensor/io/bytes.hpp — bounded little-endian byte writer and reader.
//
// Every wire format in vtensor is built from these primitives. The reader never
// reads past its buffer, rejects non-canonical field elements, caps every length
// it is asked to trust, and reports trailing bytes: malformed input becomes a
// DecodeError with the offset and what was expected, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/field/concepts.hpp"

namespace vtensor {

class ByteWriter {
 public:
  void u8(std::uint8_t v) { buf_.push_back(v); }
  void u16(std::uint16_t v) { put_le(v, 2); }
  void u32(std::uint32_t v) { put_le(v, 4); }
  void u64(std::uint64_t v) { put_le(v, 8); }
  void bytes(std::span<const std::uint8_t> b) { buf_.insert(buf_.end(), b.begin(), b.end()); }
  template <Field F>
  void field(const F& x) {
    const std::size_t at = buf_.size();
    buf_.resize(at + F::kByteSize);
    x.to_bytes(buf_.data() + at);
  }
  template <Field F>
  void fields(std::span<const F> xs) {
    for (const F& x : xs) field(x);
  }
  const std::vector<std::uint8_t>& data() const& { return buf_; }
  std::vector<std::uint8_t> take() && { return std::move(buf_); }
  std::size_t size() const { return buf_.size(); }

 private:
  void put_le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t> buf_;
};

class ByteReader {
 public:
  // `what` names the object being decoded in every error message.
  ByteReader(std::span<const std::uint8_t> in, std::string what) : in_(in), what_(std::move(what)) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(get_le(1, "u8")); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(get_le(2, "u16")); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get_le(4, "u32")); }
  std::uint64_t u64() { return get_le(8, "u64"); }

  // A length field that must not exceed `cap` (and must fit in what is left
  // when each item takes at least `min_item_bytes`).
  std::uint64_t length(std::uint64_t cap, const char* name, std::size_t min_item_bytes = 1) {
    const std::size_t at = pos_;
    const std::uint64_t n = u64();
    if (n > cap)
      fail_at(at, std::string(name) + " = " + std::to_string(n) + " exceeds the cap " + std::to_string(cap));
    if (min_item_bytes && n > remaining() / min_item_bytes)
      fail_at(at, std::string(name) + " = " + std::to_string(n) + " needs more bytes than remain (" +
                      std::to_string(remaining()) + ")");
    return n;
  }

  std::span<const std::uint8_t> bytes(std::size_t n, const char* name = "bytes") {
    need(n, name);
    auto s = in_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

  template <Field F>
  F field(const char* name = "field element") {
    need(F::kByteSize, name);
    auto x = F::from_bytes(in_.data() + pos_);
    if (!x) fail_at(pos_, std::string("non-canonical encoding of ") + name);
    pos_ += F::kByteSize;
    return *x;
  }
  template <Field F>
  std::vector<F> fields(std::size_t n, const char* name = "field element") {
    // Division, not n·size: a huge n must not wrap around and pass the check.
    if (n > remaining() / F::kByteSize)
      fail_at(pos_, std::string("truncated: ") + std::to_string(n) + " × " + name + " need more than the " +
                        std::to_string(remaining()) + " bytes that remain");
    std::vector<F> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(field<F>(name));
    return out;
  }

  // A fixed tag (magic, id, version) that must match.
  void expect_u16(std::uint16_t want, const char* name) {
    const std::size_t at = pos_;
    const auto got = u16();
    if (got != want)
      fail_at(at, std::string(name) + " is " + std::to_string(got) + ", expected " + std::to_string(want));
  }
  void expect_u32(std::uint32_t want, const char* name) {
    const std::size_t at = pos_;
    const auto got = u32();
    if (got != want)
      fail_at(at, std::string(name) + " is " + std::to_string(got) + ", expected " + std::to_string(want));
  }

  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }
  // Call when decoding is complete: trailing bytes are an error.
  void finish() const {
    if (pos_ != in_.size())
      fail_at(pos_, std::to_string(in_.size() - pos_) + " trailing bytes");
  }
  [[noreturn]] void fail(const std::string& msg) const { fail_at(pos_, msg); }

 private:
  void need(std::size_t n, const char* name) const {
    if (n > remaining())
      fail_at(pos_, std::string("truncated: ") + name + " needs " + std::to_string(n) + " bytes, " +
                        std::to_string(remaining()) + " remain");
  }
  std::uint64_t get_le(std::size_t n, const char* name) {
    need(n, name);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(in_[pos_ + i]) << (8 * i);
    pos_ += n;
    return v;
  }
  [[noreturn]] void fail_at(std::size_t at, const std::string& msg) const {
    throw DecodeError(what_ + " at byte " + std::to_string(at) + ": " + msg);
  }

  std::span<const std::uint8_t> in_;
  std::string what_;
  std::size_t pos_ = 0;
};

}  // namespace vtensor
