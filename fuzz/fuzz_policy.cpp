// libFuzzer target: drift policies (proofs/drift/policy.hpp). The first byte selects
// what the rest of the input is (its value mod 3):
//   0  a JSON text for Policy::from_json, which must throw a PolicyError or return a
//      policy that validates, whose to_json() reads back to the same policy and then
//      prints the same text, and whose encode() decodes back to it;
//   1  bytes for Policy::decode, which must throw a DecodeError or return a policy that
//      re-encodes to exactly those bytes (canonical), with digest() = SHA-256 of them
//      and the JSON round trip as above;
//   2  "glob \0 name": validate_glob accepts or throws a PolicyError, and glob_match on a
//      valid glob agrees with a byte-set DP reference matcher (invalid: PolicyError).
// On an accepted policy, match() must find every rule whose glob is a plain literal at
// or before that rule. Any other exception escapes (a finding), as does an error with
// an empty message.
#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "vtensor/proofs/drift/policy.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;
using drift::Policy;
using drift::PolicyError;

namespace {

// ---- reference glob matcher (as in tests/test_policy.cpp) ----
struct RefToken {
  bool star = false;
  std::bitset<256> set;
};

std::vector<RefToken> ref_tokens(std::string_view p) {  // p must be a valid glob
  std::vector<RefToken> out;
  auto at = [&](std::size_t k) { return k < p.size() ? static_cast<unsigned char>(p[k]) : 0u; };
  for (std::size_t i = 0; i < p.size();) {
    RefToken t;
    if (p[i] == '*') {
      t.star = true;
      ++i;
    } else if (p[i] == '?') {
      t.set.set();
      ++i;
    } else if (p[i] == '\\') {
      t.set.set(at(i + 1));
      i += 2;
    } else if (p[i] == '[') {
      std::size_t j = i + 1;
      const bool neg = at(j) == '!' || at(j) == '^';
      if (neg) ++j;
      for (bool first = true; first || at(j) != ']'; first = false) {
        if (at(j) == '\\') ++j;
        const unsigned lo = at(j++);
        unsigned hi = lo;
        if (at(j) == '-' && at(j + 1) != ']') {
          ++j;
          if (at(j) == '\\') ++j;
          hi = at(j++);
        }
        for (unsigned c = lo; c <= hi; ++c) t.set.set(c);
      }
      if (neg) t.set.flip();
      i = j + 1;
    } else {
      t.set.set(at(i++));
    }
    out.push_back(t);
  }
  return out;
}

bool ref_match(std::string_view p, std::string_view s) {
  const auto toks = ref_tokens(p);
  const std::size_t T = toks.size(), N = s.size();
  std::vector<std::vector<char>> m(T + 1, std::vector<char>(N + 1, 0));
  m[T][N] = 1;
  for (std::size_t t = T; t-- > 0;)
    for (std::size_t j = N + 1; j-- > 0;)
      m[t][j] = toks[t].star ? (m[t + 1][j] || (j < N && m[t][j + 1]))
                             : (j < N && toks[t].set.test(static_cast<unsigned char>(s[j])) && m[t + 1][j + 1]);
  return m[0][0];
}

// Properties of an accepted policy; `raw` is the whole input (for the report), `wire`
// the bytes it was decoded from (binary mode).
void check_policy(const Policy& p, std::span<const std::uint8_t> raw, const Bytes* wire) {
  auto bad = [&](const char* what) { finding((std::string("drift::Policy: ") + what).c_str(), raw); };
  try {
    p.validate();
  } catch (const PolicyError&) {
    bad("an accepted policy does not validate");
  }
  const Bytes e = p.encode();
  if (wire && e != *wire) bad("decode accepted bytes that do not re-encode to themselves");
  if (!(Policy::decode(e) == p)) bad("decode(encode(p)) != p");
  if (p.digest() != sha256(e)) bad("digest() is not SHA-256 of the encoding");
  const std::string j = p.to_json();
  if (j.size() <= drift::kPolicyMaxJsonBytes) {  // a large decoded policy may print longer than from_json reads
    Policy q;
    try {
      q = Policy::from_json(j);
    } catch (const PolicyError&) {
      bad("from_json rejects to_json's text");
    }
    if (!(q == p)) bad("from_json(to_json(p)) != p");
    if (q.to_json() != j) bad("to_json is not canonical");
  }
  for (std::size_t i = 0; i < p.rules.size() && i < 64; ++i)
    for (const auto& g : p.rules[i].patterns)
      if (g.find_first_of("*?[\\") == std::string::npos) {
        const auto m = p.match(g);
        if (!m || *m > i) bad("match() misses a rule whose glob is the name itself");
      }
}

void fuzz_json(std::span<const std::uint8_t> raw, std::string_view text) {
  std::optional<Policy> p;
  try {
    p.emplace(Policy::from_json(text));
  } catch (const PolicyError& e) {
    if (std::string(e.what()).empty()) finding("PolicyError with an empty message", raw);
    return;
  }
  check_policy(*p, raw, nullptr);
}

void fuzz_binary(std::span<const std::uint8_t> raw, std::span<const std::uint8_t> bytes) {
  std::optional<Policy> p;
  try {
    p.emplace(Policy::decode(bytes));
  } catch (const DecodeError& e) {
    if (std::string(e.what()).empty()) finding("DecodeError with an empty message", raw);
    return;
  }
  const Bytes wire(bytes.begin(), bytes.end());
  check_policy(*p, raw, &wire);
}

void fuzz_glob(std::span<const std::uint8_t> raw, std::string_view in) {
  const std::size_t cut = in.find('\0');
  const std::string_view glob = in.substr(0, cut);
  const std::string_view name = cut == std::string_view::npos ? std::string_view{} : in.substr(cut + 1);
  bool valid = true;
  try {
    drift::validate_glob(glob);
  } catch (const PolicyError& e) {
    if (std::string(e.what()).empty()) finding("PolicyError with an empty message", raw);
    valid = false;
  }
  bool got = false;
  try {
    got = drift::glob_match(glob, name);
  } catch (const PolicyError&) {
    if (valid) finding("glob_match rejects a glob validate_glob accepts", raw);
    return;
  }
  if (!valid) finding("glob_match accepts a glob validate_glob rejects", raw);
  if (glob.size() <= 512 && name.size() <= 2048 && got != ref_match(glob, name))
    finding("glob_match disagrees with the reference matcher", raw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> raw(data, size);
  const auto rest = raw.subspan(1);
  const std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
  switch (data[0] % 3) {
    case 0:
      fuzz_json(raw, text);
      break;
    case 1:
      fuzz_binary(raw, rest);
      break;
    default:
      fuzz_glob(raw, text);
  }
  return 0;
}
