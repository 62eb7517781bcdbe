// vtensor/proofs/drift/policy.hpp — drift policies: which constraints each tensor of a
// fine-tuned model must satisfy relative to its base model.
//
// A policy is an ordered list of rules. A rule names tensors by one or more globs and
// states constraints on the drift Δ = fine-tuned − base of every tensor it governs, in
// real (dequantized) units. The first rule with a glob matching a tensor's name governs
// it (match); a tensor no rule names is frozen — enforcing that is the caller's job.
//
// Constraints (a rule holds one or more; several are a conjunction):
//   frozen      Δ = 0. Exclusive: a frozen rule has no other constraint.
//   norm        ‖Δ‖_F ≤ max, max > 0.
//   entry       ‖Δ‖_∞ ≤ max, max ≥ 0.
//   low_rank    Δ = (factors of rank ≤ rank, entries of factor_bits bits) + a residual
//               bounded by residual_max (0: exactly low rank). rank ∈ [1, 2^20],
//               factor_bits ∈ [1, 24] (default 16), residual_max ≥ 0 (default 0).
//   sparse      at most max_nonzeros nonzero entries, max_nonzeros ∈ [1, 2^40].
//   projection  the bound max > 0 checked through `projections` ∈ [1, 1024] (default
//               64) random projections of Δ.
// Every real is finite. −0.0 means 0: from_json, to_json and encode write +0.0, so each
// policy has one JSON text and one encoding.
//
// Globs (glob_match), byte-wise (names are UTF-8; no locale, no path semantics):
//   *      any byte sequence, empty included, '.' and '/' included;
//   ?      exactly one byte;
//   [...]  one byte of a class: members and ranges a-z; a leading '!' or '^' negates; a
//          ']' right after '[' (or after the negation) is a member, so "[]" is not an
//          empty class but an unterminated one; '-' first or last is a member;
//   \c     the byte c itself, inside or outside a class.
// validate_glob rejects the empty glob, an unterminated '[', a trailing '\', and a
// reversed range ("[z-a]", a sure mistake). Matching backtracks only to the last '*'
// (a later '*' can absorb whatever an earlier one would), so it costs
// O(|pattern|·|name|) at worst, never exponential time.
//
// JSON form (from_json / to_json, detail/policy_json.hpp):
//   {"vtensor_policy": 1, "rules": [
//     {"tensors": "model.layers.*.q_proj.weight", "low_rank": {"rank": 16, "factor_bits": 20}},
//     {"tensors": ["*.bias", "*.norm.weight"], "norm": {"max": 0.05}},
//     {"tensors": "embed_tokens.weight", "frozen": true}]}
// "tensors" is a glob or a non-empty array of globs; "frozen" is the literal true; each
// constraint is an object with exactly the keys above (optional ones take their
// defaults). Unknown, missing and duplicate keys, wrong JSON types (integer fields take
// only JSON integers: not 16.0, not 1e3), out-of-range values, texts over 1 MiB and
// nesting deeper than the format needs are PolicyErrors naming the JSON path, e.g.
// "rules[2].low_rank.rank: expected an integer in [1, 1048576], got 0". to_json is
// canonical: fixed key order, "tensors" always an array, every constraint key written.
//
// Binary form (encode / decode, little-endian):
//   u32 magic "VTPL" ‖ u16 version 1 ‖ u32 rule count ‖ per rule:
//     u32 glob count ‖ globs (u16 length ‖ bytes) ‖ u8 mask (bit 0 frozen, 1 norm,
//     2 entry, 3 low_rank, 4 sparse, 5 projection; bits 6, 7 zero) ‖ the present
//     constraints' fields in bit order: norm f64 max; entry f64 max; low_rank u32 rank,
//     u32 factor_bits, f64 residual_max; sparse u64 max_nonzeros; projection f64 max,
//     u32 projections.
//   f64 is the IEEE-754 bit pattern as a u64. decode accepts exactly the encodings of
//   valid policies (no −0.0, NaN, infinity, unknown mask bits, trailing bytes): every
//   accepted byte string is the encoding of the policy it decodes to.
//
// digest() = SHA-256(encode()). A drift certificate's statement binds this digest, so a
// certificate proves compliance with exactly one policy.
#pragma once

#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/hash/sha256.hpp"
#include "vtensor/io/bytes.hpp"

namespace vtensor::drift {

class PolicyError : public Error {
 public:
  explicit PolicyError(const std::string& w) : Error("policy error: " + w) {}
};

inline constexpr std::uint32_t kPolicyMagic = 0x4C505456;  // "VTPL"
inline constexpr std::uint16_t kPolicyVersion = 1;         // binary form
inline constexpr std::uint64_t kPolicyJsonVersion = 1;     // "vtensor_policy"
inline constexpr std::size_t kPolicyMaxRules = 4096;
inline constexpr std::size_t kPolicyMaxGlobs = 4096;  // per rule
inline constexpr std::size_t kPolicyMaxGlobBytes = 1024;
inline constexpr std::size_t kPolicyMaxJsonBytes = std::size_t{1} << 20;
inline constexpr std::uint32_t kPolicyMaxRank = std::uint32_t{1} << 20;
inline constexpr std::uint32_t kPolicyMaxFactorBits = 24;
inline constexpr std::uint64_t kPolicyMaxNonzeros = std::uint64_t{1} << 40;
inline constexpr std::uint32_t kPolicyMaxProjections = 1024;

struct NormRule {  // ‖Δ‖_F ≤ max
  double max = 0;
  friend bool operator==(const NormRule&, const NormRule&) = default;
};
struct EntryRule {  // ‖Δ‖_∞ ≤ max
  double max = 0;
  friend bool operator==(const EntryRule&, const EntryRule&) = default;
};
struct LowRankRule {
  std::uint32_t rank = 0;
  std::uint32_t factor_bits = 16;
  double residual_max = 0;
  friend bool operator==(const LowRankRule&, const LowRankRule&) = default;
};
struct SparseRule {
  std::uint64_t max_nonzeros = 0;
  friend bool operator==(const SparseRule&, const SparseRule&) = default;
};
struct ProjectionRule {
  double max = 0;
  std::uint32_t projections = 64;
  friend bool operator==(const ProjectionRule&, const ProjectionRule&) = default;
};

struct PolicyRule {
  std::vector<std::string> patterns;  // 1 … kPolicyMaxGlobs globs, each valid UTF-8 of 1 … 1024 bytes
  bool frozen = false;
  std::optional<NormRule> norm;
  std::optional<EntryRule> entry;
  std::optional<LowRankRule> low_rank;
  std::optional<SparseRule> sparse;
  std::optional<ProjectionRule> projection;
  friend bool operator==(const PolicyRule&, const PolicyRule&) = default;
};

namespace policy_detail {

inline constexpr std::size_t kNpos = std::string_view::npos;

// s in double quotes for a message: printable ASCII as is, other bytes as \xNN, long
// strings cut (a message must stay short and printable whatever the input).
inline std::string quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string q = "\"";
  for (std::size_t i = 0; i < s.size() && i < 80; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') q += '\\';
    if (c >= 0x20 && c < 0x7f) {
      q += static_cast<char>(c);
    } else {
      q += "\\x";
      q += kHex[c >> 4];
      q += kHex[c & 15];
    }
  }
  return q + (s.size() > 80 ? "\"…" : "\"");
}

// Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF),
// the strings a JSON text can carry.
inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c == 0xE0) n = 2, lo = 0xA0;
    else if (c == 0xED) n = 2, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF) n = 2;
    else if (c == 0xF0) n = 3, lo = 0x90;
    else if (c == 0xF4) n = 3, hi = 0x8F;
    else if (c >= 0xF1 && c <= 0xF3) n = 3;
    else return false;
    if (s.size() - i - 1 < n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

// One past the ']' that closes the class opened by p[i] == '['; kNpos if none does.
inline std::size_t glob_class_end(std::string_view p, std::size_t i) {
  std::size_t j = i + 1;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) ++j;
  if (j < p.size() && p[j] == ']') ++j;  // a member, not the end
  while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? std::size_t{2} : std::size_t{1};
  return j < p.size() ? j + 1 : kNpos;
}

// Whether byte c is in the class p[i, end) (end from glob_class_end). Sets *reversed to
// the first range whose ends are out of order, if asked.
inline bool glob_class_has(std::string_view p, std::size_t i, std::size_t end, unsigned char c,
                           std::string* reversed = nullptr) {
  std::size_t j = i + 1;
  const bool negated = p[j] == '!' || p[j] == '^';
  if (negated) ++j;
  const std::size_t close = end - 1;
  // Every '\' here escapes a byte before `close`: glob_class_end skipped escaped bytes.
  auto member = [&] {
    if (p[j] == '\\') ++j;
    return static_cast<unsigned char>(p[j++]);
  };
  bool hit = false;
  while (j < close) {
    const std::size_t from = j;
    const unsigned char lo = member();
    unsigned char hi = lo;
    if (j + 1 < close && p[j] == '-') {  // a '-' just before ']' is a member
      ++j;
      hi = member();
      if (lo > hi && reversed && reversed->empty()) *reversed = std::string(p.substr(from, j - from));
    }
    hit = hit || (lo <= c && c <= hi);
  }
  return hit != negated;
}

// Why p is not a valid glob, or "" if it is.
inline std::string glob_syntax_error(std::string_view p) {
  if (p.empty()) return "empty glob";
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] == '\\') {
      if (i + 1 == p.size()) return "trailing '\\' in glob " + quote(p);
      i += 2;
    } else if (p[i] == '[') {
      const std::size_t end = glob_class_end(p, i);
      if (end == kNpos) {
        std::size_t j = i + 1;
        if (j < p.size() && (p[j] == '!' || p[j] == '^')) ++j;
        if (j < p.size() && p[j] == ']')
          return "empty class '[]' in glob " + quote(p) +
                 " (a ']' right after '[' is a member, so this '[' is unterminated; escape it as '\\]')";
        return "unterminated '[' in glob " + quote(p);
      }
      std::string reversed;
      (void)glob_class_has(p, i, end, 0, &reversed);
      if (!reversed.empty()) return "reversed range '" + reversed + "' in glob " + quote(p);
      i = end;
    } else {
      ++i;
    }
  }
  return {};
}

// The two-pointer matcher on a valid glob. On a mismatch it restarts after the last '*'
// with that star absorbing one more byte; each restart costs O(|p|), and there are at
// most |name| of them.
inline bool glob_match_valid(std::string_view p, std::string_view s) {
  std::size_t i = 0, j = 0, star_i = kNpos, star_j = 0;
  while (j < s.size()) {
    if (i < p.size()) {
      const auto c = static_cast<unsigned char>(s[j]);
      std::size_t next = i + 1;
      bool ok = false;
      switch (p[i]) {
        case '*':
          star_i = ++i;
          star_j = j;
          continue;
        case '?':
          ok = true;
          break;
        case '[':
          next = glob_class_end(p, i);
          ok = glob_class_has(p, i, next, c);
          break;
        case '\\':
          next = i + 2;
          ok = p[i + 1] == s[j];
          break;
        default:
          ok = p[i] == s[j];
      }
      if (ok) {
        i = next;
        ++j;
        continue;
      }
    }
    if (star_i == kNpos) return false;
    i = star_i;
    j = ++star_j;
  }
  while (i < p.size() && p[i] == '*') ++i;
  return i == p.size();
}

// Why p cannot be a policy glob (size, encoding, syntax), or "".
inline std::string pattern_error(std::string_view p) {
  if (p.size() > kPolicyMaxGlobBytes)
    return "glob of " + std::to_string(p.size()) + " bytes exceeds the cap " + std::to_string(kPolicyMaxGlobBytes);
  if (!valid_utf8(p)) return "glob " + quote(p) + " is not valid UTF-8";
  return glob_syntax_error(p);
}

}  // namespace policy_detail

// PolicyError unless `pattern` is a valid glob (see the top).
inline void validate_glob(std::string_view pattern) {
  if (auto e = policy_detail::glob_syntax_error(pattern); !e.empty()) throw PolicyError(e);
}

// Whether `name` matches `pattern` (the whole name); PolicyError on an invalid glob.
inline bool glob_match(std::string_view pattern, std::string_view name) {
  validate_glob(pattern);
  return policy_detail::glob_match_valid(pattern, name);
}

namespace policy_detail {

// One field of a constraint. JSON, binary, validation and to_json all walk the fields
// through visit_fields, so the key names, order, ranges and defaults live only here.
struct FieldSpec {
  const char* key;
  bool required;
  std::uint64_t lo = 0, hi = 0;  // integer fields: [lo, hi]
  bool positive = false;         // real fields: > 0 if set, else ≥ 0; always finite
};

// f(member, spec) for each field of a constraint, in wire order.
template <class R, class Fn>
void visit_fields(R& r, Fn&& f) {
  using T = std::remove_const_t<R>;
  if constexpr (std::is_same_v<T, NormRule>) {
    f(r.max, FieldSpec{"max", true, 0, 0, true});
  } else if constexpr (std::is_same_v<T, EntryRule>) {
    f(r.max, FieldSpec{"max", true});
  } else if constexpr (std::is_same_v<T, LowRankRule>) {
    f(r.rank, FieldSpec{"rank", true, 1, kPolicyMaxRank});
    f(r.factor_bits, FieldSpec{"factor_bits", false, 1, kPolicyMaxFactorBits});
    f(r.residual_max, FieldSpec{"residual_max", false});
  } else if constexpr (std::is_same_v<T, SparseRule>) {
    f(r.max_nonzeros, FieldSpec{"max_nonzeros", true, 1, kPolicyMaxNonzeros});
  } else {
    static_assert(std::is_same_v<T, ProjectionRule>);
    f(r.max, FieldSpec{"max", true, 0, 0, true});
    f(r.projections, FieldSpec{"projections", false, 1, kPolicyMaxProjections});
  }
}

// f(key, mask bit, optional member) for each constraint but frozen (bit 0), in bit order.
template <class Rule, class Fn>
void visit_constraints(Rule& r, Fn&& f) {
  f("norm", 1u, r.norm);
  f("entry", 2u, r.entry);
  f("low_rank", 3u, r.low_rank);
  f("sparse", 4u, r.sparse);
  f("projection", 5u, r.projection);
}

template <class T>
bool value_ok(T v, const FieldSpec& s) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isfinite(v) && (s.positive ? v > 0 : v >= 0);
  else
    return v >= s.lo && v <= s.hi;
}

template <class T>
std::string expectation(const FieldSpec& s) {
  if constexpr (std::is_floating_point_v<T>)
    return std::string("expected a finite number ") + (s.positive ? "> 0" : ">= 0");
  else
    return "expected an integer in [" + std::to_string(s.lo) + ", " + std::to_string(s.hi) + "]";
}

template <class T>
std::string show(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
    return std::string(buf, res.ptr);
  } else {
    return std::to_string(std::uint64_t{v});
  }
}

// The first violation in rule i as "path: reason", or "" if there is none.
inline std::string rule_error(const PolicyRule& rule, std::size_t i) {
  const std::string at = "rules[" + std::to_string(i) + "]";
  if (rule.patterns.empty()) return at + ".tensors: a rule needs at least one glob";
  if (rule.patterns.size() > kPolicyMaxGlobs)
    return at + ".tensors: " + std::to_string(rule.patterns.size()) + " globs exceed the cap " +
           std::to_string(kPolicyMaxGlobs);
  for (std::size_t k = 0; k < rule.patterns.size(); ++k)
    if (auto e = pattern_error(rule.patterns[k]); !e.empty())
      return at + ".tensors[" + std::to_string(k) + "]: " + e;
  bool any = false;
  std::string err;
  visit_constraints(rule, [&](const char* name, unsigned, const auto& c) {
    if (!c) return;
    any = true;
    visit_fields(*c, [&](const auto& v, const FieldSpec& s) {
      using T = std::remove_cvref_t<decltype(v)>;
      if (err.empty() && !value_ok(v, s))
        err = at + "." + name + "." + s.key + ": " + expectation<T>(s) + ", got " + show(v);
    });
  });
  if (rule.frozen && any) return at + ": \"frozen\" excludes other constraints";
  if (!rule.frozen && !any) return at + ": a rule needs at least one constraint";
  return err;
}

// A zero real is written as +0.0: one encoding per value.
inline double canonical_real(double v) { return v == 0 ? 0.0 : v; }

[[noreturn]] inline void decode_fail(std::size_t at, const std::string& msg) {
  throw DecodeError("policy at byte " + std::to_string(at) + ": " + msg);  // ByteReader's form
}

}  // namespace policy_detail

class Policy {
 public:
  std::vector<PolicyRule> rules;  // first match wins; at most kPolicyMaxRules

  // The JSON form (detail/policy_json.hpp). from_json throws only PolicyError (and
  // std::bad_alloc); to_json throws PolicyError on an invalid policy.
  static Policy from_json(std::string_view text);
  std::string to_json() const;

  // PolicyError naming the first rule and field that break the rules at the top.
  void validate() const {
    if (rules.size() > kPolicyMaxRules)
      throw PolicyError("rules: " + std::to_string(rules.size()) + " rules exceed the cap " +
                        std::to_string(kPolicyMaxRules));
    for (std::size_t i = 0; i < rules.size(); ++i)
      if (auto e = policy_detail::rule_error(rules[i], i); !e.empty()) throw PolicyError(e);
  }

  // The binary form (see the top); PolicyError on an invalid policy.
  std::vector<std::uint8_t> encode() const {
    validate();
    ByteWriter w;
    w.u32(kPolicyMagic);
    w.u16(kPolicyVersion);
    w.u32(static_cast<std::uint32_t>(rules.size()));
    for (const auto& rule : rules) {
      w.u32(static_cast<std::uint32_t>(rule.patterns.size()));
      for (const auto& p : rule.patterns) {
        w.u16(static_cast<std::uint16_t>(p.size()));
        w.bytes({reinterpret_cast<const std::uint8_t*>(p.data()), p.size()});
      }
      std::uint8_t mask = rule.frozen ? 1 : 0;
      policy_detail::visit_constraints(rule, [&](const char*, unsigned bit, const auto& c) {
        if (c) mask |= static_cast<std::uint8_t>(1u << bit);
      });
      w.u8(mask);
      policy_detail::visit_constraints(rule, [&](const char*, unsigned, const auto& c) {
        if (!c) return;
        policy_detail::visit_fields(*c, [&](const auto& v, const policy_detail::FieldSpec&) {
          using T = std::remove_cvref_t<decltype(v)>;
          if constexpr (std::is_floating_point_v<T>)
            w.u64(std::bit_cast<std::uint64_t>(policy_detail::canonical_real(v)));
          else if constexpr (sizeof(T) == 4)
            w.u32(v);
          else
            w.u64(v);
        });
      });
    }
    return std::move(w).take();
  }

  // DecodeError (with the byte offset) on malformed bytes and on every rule violation,
  // so whatever decodes is valid and re-encodes to exactly `in`.
  static Policy decode(std::span<const std::uint8_t> in) {
    constexpr std::size_t kMinRuleBytes = 4 + 3 + 1;  // one glob of one byte, a mask
    ByteReader r(in, "policy");
    r.expect_u32(kPolicyMagic, "magic");
    r.expect_u16(kPolicyVersion, "version");
    std::size_t at = r.position();
    const std::uint32_t count = r.u32();
    if (count > kPolicyMaxRules)
      policy_detail::decode_fail(at, "rule count " + std::to_string(count) + " exceeds the cap " +
                                  std::to_string(kPolicyMaxRules));
    if (count > r.remaining() / kMinRuleBytes)
      policy_detail::decode_fail(at, "rule count " + std::to_string(count) + " needs more bytes than remain");
    Policy p;
    p.rules.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::string path = "rules[" + std::to_string(i) + "]";
      PolicyRule rule;
      at = r.position();
      const std::uint32_t globs = r.u32();
      if (globs == 0 || globs > kPolicyMaxGlobs)
        policy_detail::decode_fail(at, path + ": glob count " + std::to_string(globs) + " not in [1, " +
                                    std::to_string(kPolicyMaxGlobs) + "]");
      if (globs > r.remaining() / 3)
        policy_detail::decode_fail(at, path + ": glob count " + std::to_string(globs) + " needs more bytes than remain");
      rule.patterns.reserve(globs);
      for (std::uint32_t k = 0; k < globs; ++k) {
        at = r.position();
        const auto bytes = r.bytes(r.u16(), "glob");
        std::string g(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        if (auto e = policy_detail::pattern_error(g); !e.empty())
          policy_detail::decode_fail(at, path + ".tensors[" + std::to_string(k) + "]: " + e);
        rule.patterns.push_back(std::move(g));
      }
      at = r.position();
      const std::uint8_t mask = r.u8();
      if (mask & 0xC0) policy_detail::decode_fail(at, path + ": mask " + std::to_string(mask) + " has unknown bits");
      if (mask == 0) policy_detail::decode_fail(at, path + ": a rule needs at least one constraint (mask 0)");
      if ((mask & 1) && mask != 1) policy_detail::decode_fail(at, path + ": \"frozen\" excludes other constraints");
      rule.frozen = mask & 1;
      policy_detail::visit_constraints(rule, [&](const char* name, unsigned bit, auto& c) {
        if (!(mask >> bit & 1)) return;
        c.emplace();
        policy_detail::visit_fields(*c, [&](auto& v, const policy_detail::FieldSpec& s) {
          using T = std::remove_cvref_t<decltype(v)>;
          const std::string field = path + "." + name + "." + s.key;
          at = r.position();
          if constexpr (std::is_floating_point_v<T>) {
            const std::uint64_t bits = r.u64();
            if (bits == std::bit_cast<std::uint64_t>(-0.0))
              policy_detail::decode_fail(at, field + ": -0.0 is not canonical (zero is +0.0)");
            v = std::bit_cast<double>(bits);
          } else if constexpr (sizeof(T) == 4) {
            v = r.u32();
          } else {
            v = r.u64();
          }
          if (!policy_detail::value_ok(v, s))
            policy_detail::decode_fail(at, field + ": " + policy_detail::expectation<T>(s) + ", got " + policy_detail::show(v));
        });
      });
      p.rules.push_back(std::move(rule));
    }
    r.finish();
    return p;
  }

  Digest digest() const { return sha256(encode()); }

  // The index of the first rule with a glob matching `tensor_name`, or nullopt (the
  // tensor is then frozen). PolicyError if a glob met on the way is invalid.
  std::optional<std::size_t> match(std::string_view tensor_name) const {
    for (std::size_t i = 0; i < rules.size(); ++i)
      for (const auto& p : rules[i].patterns)
        if (glob_match(p, tensor_name)) return i;
    return std::nullopt;
  }

  friend bool operator==(const Policy&, const Policy&) = default;
};

}  // namespace vtensor::drift

#include "vtensor/proofs/drift/detail/policy_json.hpp"  // Policy::from_json, Policy::to_json
