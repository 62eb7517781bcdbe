// Drift policies (proofs/drift/policy.hpp): glob semantics against a reference matcher,
// the JSON form (every error names its path), the canonical binary form, digests,
// first-match semantics, and bounded deterministic fuzzing of both parsers.
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <bitset>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "vtensor/proofs/drift/policy.hpp"

using namespace vtensor;
using namespace vtensor::drift;

namespace {

using Bytes = std::vector<std::uint8_t>;

const char* const kExample = R"({ "vtensor_policy": 1,
  "rules": [
    {"tensors": "model.layers.*.self_attn.q_proj.weight", "low_rank": {"rank": 16, "factor_bits": 20, "residual_max": 0.001}},
    {"tensors": ["*.bias", "*.norm.weight"], "norm": {"max": 0.05}},
    {"tensors": "lm_head.weight", "sparse": {"max_nonzeros": 4096}, "norm": {"max": 1.5}},
    {"tensors": "*.weight", "entry": {"max": 0.01}},
    {"tensors": "embed_tokens.weight", "frozen": true},
    {"tensors": "*", "projection": {"max": 2.0, "projections": 64}}
  ] })";

// Compact, escapes, UTF-8, every constraint at once, defaults left out.
const char* const kDense =
    R"({"rules":[{"tensors":["a[!0-9]\\*","caf\u00e9.*","[]x-]?"],"norm":{"max":1e-300},"entry":{"max":0},)"
    R"("low_rank":{"rank":1048576},"sparse":{"max_nonzeros":1099511627776},"projection":{"max":5e-324}},)"
    R"({"tensors":"x","frozen":true}],"vtensor_policy":1})";

const char* const kSmall = R"({"vtensor_policy":1,"rules":[{"tensors":"*","entry":{"max":-0.0}}]})";

std::string wrap(const std::string& rules) { return R"({"vtensor_policy":1,"rules":[)" + rules + "]}"; }

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const PolicyError& e) {
    return e.what();
  } catch (const DecodeError& e) {
    return e.what();
  }
  return "(no error)";
}

// ---- reference glob matcher: tokens as byte sets, then a DP over (token, byte) ----
struct RefToken {
  bool star = false;
  std::bitset<256> set;
};

std::vector<RefToken> ref_tokens(const std::string& p) {  // p must be a valid glob
  std::vector<RefToken> out;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(p[k]); };
  for (std::size_t i = 0; i < p.size();) {
    RefToken t;
    if (p[i] == '*') {
      t.star = true;
      ++i;
    } else if (p[i] == '?') {
      t.set.set();
      ++i;
    } else if (p[i] == '\\') {
      t.set.set(byte(i + 1));
      i += 2;
    } else if (p[i] == '[') {
      std::size_t j = i + 1;
      const bool neg = p[j] == '!' || p[j] == '^';
      if (neg) ++j;
      for (bool first = true; first || p[j] != ']'; first = false) {
        if (p[j] == '\\') ++j;
        const unsigned lo = byte(j++);
        unsigned hi = lo;
        if (p[j] == '-' && p[j + 1] != ']') {
          ++j;
          if (p[j] == '\\') ++j;
          hi = byte(j++);
        }
        for (unsigned c = lo; c <= hi; ++c) t.set.set(c);
      }
      if (neg) t.set.flip();
      i = j + 1;
    } else {
      t.set.set(byte(i++));
    }
    out.push_back(t);
  }
  return out;
}

bool ref_match(const std::string& p, const std::string& s) {
  const auto toks = ref_tokens(p);
  const std::size_t T = toks.size(), N = s.size();
  std::vector<std::vector<char>> m(T + 1, std::vector<char>(N + 1, 0));  // m[t][j]: toks[t..] matches s[j..]
  m[T][N] = 1;
  for (std::size_t t = T; t-- > 0;)
    for (std::size_t j = N + 1; j-- > 0;) {
      if (toks[t].star)
        m[t][j] = m[t + 1][j] || (j < N && m[t][j + 1]);
      else
        m[t][j] = j < N && toks[t].set.test(static_cast<unsigned char>(s[j])) && m[t + 1][j + 1];
    }
  return m[0][0];
}

// A policy that uses every field, for the binary and digest tests.
Policy full_policy() {
  Policy p;
  PolicyRule a;
  a.patterns = {"model.layers.*.q_proj.weight", "x[0-9]"};
  a.low_rank = LowRankRule{16, 20, 0.001};
  a.norm = NormRule{0.5};
  PolicyRule b;
  b.patterns = {"*.bias"};
  b.entry = EntryRule{0.01};
  b.sparse = SparseRule{4096};
  b.projection = ProjectionRule{2.0, 64};
  PolicyRule c;
  c.patterns = {"embed_tokens.weight"};
  c.frozen = true;
  p.rules = {a, b, c};
  return p;
}

// from_json succeeded on some text: the policy is valid and both forms are canonical.
void check_canonical(const Policy& p) {
  REQUIRE_NOTHROW(p.validate());
  const std::string j = p.to_json();
  const Policy q = Policy::from_json(j);
  CHECK(q == p);
  CHECK(q.to_json() == j);
  const Bytes e = p.encode();
  CHECK(Policy::decode(e) == p);
  CHECK(p.digest() == sha256(e));
}

}  // namespace

TEST_CASE("policy: glob semantics") {
  struct Case {
    std::string pattern, name;
    bool match;
  };
  const std::vector<Case> cases{
      {"*", "", true},
      {"*", "a.b/c", true},
      {"**", "", true},
      {"a", "a", true},
      {"a", "b", false},
      {"a", "", false},
      {"a", "aa", false},
      {"?", "", false},
      {"?", "x", true},
      {"?", "xy", false},
      {"??", "xy", true},
      {"a*", "a", true},
      {"a*", "abc", true},
      {"a*", "ba", false},
      {"*a", "bca", true},
      {"*a", "ab", false},
      {"a**b", "ab", true},
      {"a*b*c", "aXbYc", true},
      {"a*b*c", "acb", false},
      {"*a*", "bbb", false},
      {"model.layers.*.self_attn.q_proj.weight", "model.layers.0.self_attn.q_proj.weight", true},
      {"model.layers.*.self_attn.q_proj.weight", "model.layers.1.x/y.self_attn.q_proj.weight", true},  // * crosses . and /
      {"model.layers.*.weight", "model.layers.3.bias", false},
      {"*.bias", "a/b.c.bias", true},
      {"*.weight", "weight", false},
      {"[abc]", "b", true},
      {"[abc]", "d", false},
      {"[abc]", "", false},
      {"[a-c]x", "bx", true},
      {"[a-c]x", "dx", false},
      {"[!a-c]", "d", true},
      {"[!a-c]", "a", false},
      {"[^a-c]", "b", false},
      {"[^a-c]", "z", true},
      {"[]]", "]", true},
      {"[]a]", "a", true},
      {"[!]]", "]", false},
      {"[!]]", "x", true},
      {"[]-a]", "^", true},  // the range ']'..'a'
      {"a[]]b", "a]b", true},
      {"[a-]", "-", true},
      {"[-a]", "-", true},
      {"[a-]", "b", false},
      {"[\\]]", "]", true},
      {"[\\-]", "-", true},
      {"[a\\-c]", "b", false},
      {"[a\\-c]", "c", true},
      {"[\\x]", "x", true},
      {"[\\x]", "\\", false},
      {"[*]", "*", true},
      {"[*]", "a", false},
      {"[?]", "?", true},
      {"[?]", "a", false},
      {"\\*", "*", true},
      {"\\*", "a", false},
      {"\\?", "?", true},
      {"\\[a]", "[a]", true},
      {"\\\\", "\\", true},
      {"layer[0-9].w", "layer7.w", true},
      {"layer[0-9].w", "layer10.w", false},
      {"layer[0-9]*.w", "layer10.w", true},
      {"*", "caf\xc3\xa9", true},
      {"caf?", "caf\xc3\xa9", false},  // byte-wise: é is two bytes
      {"caf??", "caf\xc3\xa9", true},
      {"caf[\xc3]?", "caf\xc3\xa9", true},
      {"[\x80-\xff]", "\xc3", true},  // ranges compare unsigned bytes
      {"[!\x80-\xff]", "a", true},
      {"a?b", std::string("a\0b", 3), true},
      {"*", std::string(1, '\0'), true},
  };
  for (const auto& c : cases) {
    INFO("pattern " << c.pattern << " name " << c.name);
    CHECK(glob_match(c.pattern, c.name) == c.match);
    CHECK(ref_match(c.pattern, c.name) == c.match);
  }
}

TEST_CASE("policy: glob agrees with a reference matcher on random globs") {
  const std::array<const char*, 14> parts{"a", "b", "*", "?", "[ab]", "[!a]", "[a-b]", "\\*", "\\a", "]", "[]a]", "-", "**", "[*-]"};
  const std::string alphabet = "ab*]-";
  std::mt19937_64 rng(0x61AB);
  for (int it = 0; it < 4000; ++it) {
    std::string p;
    for (int k = 1 + static_cast<int>(rng() % 6); k > 0; --k) p += parts[rng() % parts.size()];
    std::string s;
    for (int k = static_cast<int>(rng() % 9); k > 0; --k) s += alphabet[rng() % alphabet.size()];
    INFO("pattern " << p << " name " << s);
    REQUIRE(ref_match(p, s) == glob_match(p, s));
  }
}

TEST_CASE("policy: glob matching is polynomial on pathological patterns") {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string as(10000, 'a');
  CHECK_FALSE(glob_match("a*a*a*a*a*b", as));
  CHECK(glob_match("a*a*a*a*a*", as));
  std::string many;
  for (int k = 0; k < 200; ++k) many += "*a";
  CHECK_FALSE(glob_match(many + "b", as));
  CHECK(glob_match(many, as));
  CHECK_FALSE(glob_match("*[!a]*", as));
  CHECK_FALSE(glob_match(std::string(1000, '?'), as));
  CHECK_FALSE(glob_match("*" + std::string(1000, 'a') + "b", as));  // the matcher's worst case: ~10^7 steps
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(secs < 1.0);  // ~4·10^6 steps; an exponential matcher would never return
}

TEST_CASE("policy: glob syntax errors") {
  CHECK(error_of([] { validate_glob(""); }).find("empty glob") != std::string::npos);
  CHECK(error_of([] { validate_glob("a[bc"); }) == "policy error: unterminated '[' in glob \"a[bc\"");
  CHECK(error_of([] { validate_glob("a[!bc"); }).find("unterminated '['") != std::string::npos);
  CHECK(error_of([] { validate_glob("[a\\]"); }).find("unterminated '['") != std::string::npos);
  CHECK(error_of([] { validate_glob("ab\\"); }).find("trailing '\\'") != std::string::npos);
  CHECK(error_of([] { validate_glob("a[]"); }).find("empty class '[]'") != std::string::npos);
  CHECK(error_of([] { validate_glob("[!]"); }).find("empty class '[]'") != std::string::npos);
  CHECK(error_of([] { validate_glob("[]abc"); }).find("empty class '[]'") != std::string::npos);
  CHECK(error_of([] { validate_glob("x[z-a]"); }).find("reversed range 'z-a'") != std::string::npos);
  CHECK_THROWS_AS(glob_match("a[", "a["), PolicyError);
  for (const char* ok : {"a", "*", "[]]", "[!]]", "[a-]", "\\\\", "[\\]]", "[a-a]", "]", "!", "-"}) CHECK_NOTHROW(validate_glob(ok));
}

TEST_CASE("policy: the example parses to the documented rules") {
  const Policy p = Policy::from_json(kExample);
  REQUIRE(p.rules.size() == 6);
  CHECK(p.rules[0].patterns == std::vector<std::string>{"model.layers.*.self_attn.q_proj.weight"});
  CHECK(p.rules[0].low_rank == LowRankRule{16, 20, 0.001});
  CHECK(p.rules[1].patterns == std::vector<std::string>{"*.bias", "*.norm.weight"});
  CHECK(p.rules[1].norm == NormRule{0.05});
  CHECK(p.rules[2].sparse == SparseRule{4096});
  CHECK(p.rules[2].norm == NormRule{1.5});
  CHECK(!p.rules[2].entry);
  CHECK(p.rules[3].entry == EntryRule{0.01});
  CHECK(p.rules[4].frozen);
  CHECK(p.rules[5].projection == ProjectionRule{2.0, 64});
  check_canonical(p);

  const Policy d = Policy::from_json(kDense);
  REQUIRE(d.rules.size() == 2);
  CHECK(d.rules[0].patterns[1] == "caf\xc3\xa9.*");
  CHECK(d.rules[0].low_rank == LowRankRule{1048576, 16, 0});  // defaults
  CHECK(d.rules[0].projection == ProjectionRule{5e-324, 64});
  check_canonical(d);

  const Policy s = Policy::from_json(kSmall);  // -0.0 is stored as +0.0
  CHECK(!std::signbit(s.rules[0].entry->max));
  CHECK(s.to_json().find("-0") == std::string::npos);
  check_canonical(s);
  CHECK(Policy::from_json(R"({"vtensor_policy":1,"rules":[]})").rules.empty());
}

TEST_CASE("policy: first match wins") {
  const Policy p = Policy::from_json(kExample);
  CHECK(p.match("model.layers.3.self_attn.q_proj.weight") == 0u);  // also matches *.weight and *
  CHECK(p.match("model.layers.3.self_attn.q_proj.bias") == 1u);
  CHECK(p.match("model.final.norm.weight") == 1u);
  CHECK(p.match("lm_head.weight") == 2u);
  CHECK(p.match("model.layers.3.mlp.up_proj.weight") == 3u);
  CHECK(p.match("embed_tokens.weight") == 3u);  // "*.weight" comes before the frozen rule
  CHECK(p.match("embed_tokens") == 5u);
  CHECK(p.match("") == 5u);
  Policy q = p;
  q.rules.pop_back();
  CHECK(!q.match("embed_tokens"));  // unnamed: frozen, the caller's business
  CHECK(!Policy{}.match("x"));
  std::swap(q.rules[3], q.rules[4]);
  CHECK(q.match("embed_tokens.weight") == 3u);
  CHECK(q.rules[3].frozen);
}

TEST_CASE("policy: JSON errors name their path") {
  const std::string lr = R"({"tensors":"a","low_rank":)";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"[]", "top level: expected an object, got []"},
      {"3", "top level: expected an object"},
      {R"({"vtensor_policy":1})", "top level: missing key \"rules\""},
      {R"({"rules":[]})", "top level: missing key \"vtensor_policy\""},
      {R"({"vtensor_policy":2,"rules":[]})", "vtensor_policy: unsupported version 2"},
      {R"({"vtensor_policy":"1","rules":[]})", "vtensor_policy: unsupported version \"1\""},
      {R"({"vtensor_policy":1.0,"rules":[]})", "vtensor_policy: unsupported version 1.0"},
      {R"({"vtensor_policy":1,"rules":[],"x":1})", "top level: unknown key \"x\" (expected one of: vtensor_policy, rules)"},
      {R"({"vtensor_policy":1,"rules":{}})", "rules: expected an array of rules, got {}"},
      {wrap("1"), "rules[0]: expected a rule object, got 1"},
      {wrap(R"({"tensors":"a","frozen":true},{"tensors":"a","rnk":1})"),
       "rules[1]: unknown key \"rnk\" (expected one of: tensors, frozen, norm, entry, low_rank, sparse, projection)"},
      {wrap(R"({"norm":{"max":1}})"), "rules[0]: missing key \"tensors\""},
      {wrap(R"({"tensors":[],"norm":{"max":1}})"), "rules[0].tensors: expected a glob string or a non-empty array"},
      {wrap(R"({"tensors":7,"norm":{"max":1}})"), "rules[0].tensors: expected a glob string or a non-empty array"},
      {wrap(R"({"tensors":["a",3],"norm":{"max":1}})"), "rules[0].tensors[1]: expected a glob string, got 3"},
      {wrap(R"({"tensors":"a","frozen":true},{"tensors":"b","frozen":true},{"tensors":"c","frozen":true},{"tensors":"a"})"),
       "rules[3]: a rule needs at least one constraint"},
      {wrap(R"({"tensors":"a","frozen":true},{"tensors":"a","frozen":true,"norm":{"max":1}})"),
       "rules[1]: \"frozen\" excludes other constraints"},
      {wrap(R"({"tensors":"a","frozen":false})"), "rules[0].frozen: expected true"},
      {wrap(R"({"tensors":"a","frozen":1})"), "rules[0].frozen: expected true"},
      {wrap(R"({"tensors":"a","frozen":true},{"tensors":"a","frozen":true},)" + lr + R"({"rank":0}})"),
       "rules[2].low_rank.rank: expected an integer in [1, 1048576], got 0"},
      {wrap(lr + R"({"rank":1048577}})"), "rules[0].low_rank.rank: expected an integer in [1, 1048576], got 1048577"},
      {wrap(lr + R"({"rank":16.0}})"), "rules[0].low_rank.rank: expected an integer in [1, 1048576], got 16.0"},
      {wrap(lr + R"({"rank":1e3}})"), "rules[0].low_rank.rank: expected an integer in [1, 1048576], got 1000.0"},
      {wrap(lr + R"({"rank":"16"}})"), "rules[0].low_rank.rank: expected an integer in [1, 1048576], got \"16\""},
      {wrap(lr + R"({"rank":-1}})"), "rules[0].low_rank.rank: expected an integer in [1, 1048576], got -1"},
      {wrap(lr + R"({"rank":-0}})"), "rules[0].low_rank.rank: expected an integer in [1, 1048576], got 0"},
      {wrap(lr + R"({"rank":true}})"), "rules[0].low_rank.rank: expected an integer in [1, 1048576], got true"},
      {wrap(lr + R"({"rank":1,"factor_bits":25}})"), "rules[0].low_rank.factor_bits: expected an integer in [1, 24], got 25"},
      {wrap(lr + R"({"rank":1,"factor_bits":0}})"), "rules[0].low_rank.factor_bits: expected an integer in [1, 24], got 0"},
      {wrap(lr + R"({"rank":1,"residual_max":-0.5}})"), "rules[0].low_rank.residual_max: expected a finite number >= 0, got -0.5"},
      {wrap(lr + R"({"rank":1,"residual_max":null}})"), "rules[0].low_rank.residual_max: expected a finite number >= 0, got null"},
      {wrap(lr + R"({}})"), "rules[0].low_rank: missing key \"rank\""},
      {wrap(lr + R"({"rank":1,"bits":2}})"), "rules[0].low_rank: unknown key \"bits\" (expected one of: rank, factor_bits, residual_max)"},
      {wrap(lr + R"([1]})"), "rules[0].low_rank: expected an object, got [1]"},
      {wrap(R"({"tensors":"a","norm":{"max":0}})"), "rules[0].norm.max: expected a finite number > 0, got 0"},
      {wrap(R"({"tensors":"a","norm":{"max":-0.0}})"), "rules[0].norm.max: expected a finite number > 0, got -0.0"},
      {wrap(R"({"tensors":"a","norm":{"max":"1"}})"), "rules[0].norm.max: expected a finite number > 0, got \"1\""},
      {wrap(R"({"tensors":"a","norm":{"max":1e400}})"), "invalid JSON"},
      {wrap(R"({"tensors":"a","norm":5})"), "rules[0].norm: expected an object, got 5"},
      {wrap(R"({"tensors":"a","entry":{"max":-1}})"), "rules[0].entry.max: expected a finite number >= 0, got -1"},
      {wrap(R"({"tensors":"a","entry":{}})"), "rules[0].entry: missing key \"max\""},
      {wrap(R"({"tensors":"a","sparse":{"max_nonzeros":0}})"), "rules[0].sparse.max_nonzeros: expected an integer in [1, 1099511627776], got 0"},
      {wrap(R"({"tensors":"a","sparse":{"max_nonzeros":1099511627777}})"), "rules[0].sparse.max_nonzeros: expected an integer in [1, 1099511627776]"},
      {wrap(R"({"tensors":"a","sparse":{"max_nonzeros":18446744073709551616}})"), "rules[0].sparse.max_nonzeros: expected an integer"},
      {wrap(R"({"tensors":"a","sparse":{}})"), "rules[0].sparse: missing key \"max_nonzeros\""},
      {wrap(R"({"tensors":"a","projection":{"max":1,"projections":0}})"), "rules[0].projection.projections: expected an integer in [1, 1024], got 0"},
      {wrap(R"({"tensors":"a","projection":{"max":1,"projections":1025}})"), "rules[0].projection.projections: expected an integer in [1, 1024]"},
      {wrap(R"({"tensors":"a","projection":{"projections":4}})"), "rules[0].projection: missing key \"max\""},
      {wrap(R"({"tensors":"a","projection":{"max":0,"projections":4}})"), "rules[0].projection.max: expected a finite number > 0"},
      {wrap(R"({"tensors":"a","frozen":true},{"tensors":"a","frozen":true},{"tensors":"a","frozen":true},)"
            R"({"tensors":"a","frozen":true},{"tensors":["a","a[bc"],"frozen":true})"),
       "rules[4].tensors[1]: unterminated '[' in glob \"a[bc\""},
      {wrap(R"({"tensors":"a[bc","frozen":true})"), "rules[0].tensors: unterminated '[' in glob \"a[bc\""},
      {wrap(R"({"tensors":"ab\\","frozen":true})"), "rules[0].tensors: trailing '\\' in glob"},
      {wrap(R"({"tensors":"","frozen":true})"), "rules[0].tensors: empty glob"},
      {wrap(R"({"tensors":["x","a[]"],"frozen":true})"), "rules[0].tensors[1]: empty class '[]'"},
      {wrap(R"({"tensors":"[9-0]","frozen":true})"), "rules[0].tensors: reversed range '9-0'"},
      {wrap(R"({"tensors":")" + std::string(1025, 'a') + R"(","frozen":true})"), "rules[0].tensors: glob of 1025 bytes exceeds the cap 1024"},
      {R"({"vtensor_policy":1,"vtensor_policy":1,"rules":[]})", "top level: duplicate key \"vtensor_policy\""},
      {wrap(R"({"tensors":"a","tensors":"b","frozen":true})"), "rules[0]: duplicate key \"tensors\""},
      {wrap(R"({"tensors":"a","frozen":true},)" + lr + R"({"rank":1,"rank":2}})"), "rules[1].low_rank: duplicate key \"rank\""},
      {wrap(R"({"tensors":[["a"]],"frozen":true})"), "rules[0].tensors[0]: nesting deeper than the policy format's 4 levels"},
      {wrap(R"({"tensors":"a","norm":{"max":{"x":1}}})"), "rules[0].norm.max: nesting deeper"},
      {"[[[[[[[[[[1]]]]]]]]]]", "[0][0][0][0]: nesting deeper"},
      {R"({"vtensor_policy":1,)", "invalid JSON: [json.exception.parse_error.101] parse error at line 1, column 21"},
      {"", "invalid JSON"},
      {R"({"vtensor_policy":1,"rules":[]} x)", "invalid JSON"},
      {R"({"vtensor_policy":1,"rules":[]} // c)", "invalid JSON"},
      {"{\"vtensor_policy\":1,\"rules\":[{\"tensors\":\"\xff\",\"frozen\":true}]}", "invalid JSON"},
      {R"({"vtensor_policy":1,"rules":[{"tensors":"\ud800","frozen":true}]})", "invalid JSON"},
  };
  for (const auto& c : cases) {  // (no structured binding: Clang 14 cannot capture one)
    const std::string& text = c.first;
    const std::string& want = c.second;
    INFO("json: " << text.substr(0, 200));
    const std::string got = error_of([&] { (void)Policy::from_json(text); });
    INFO("error: " << got);
    CHECK(got.rfind("policy error: ", 0) == 0);
    CHECK(got.find(want) != std::string::npos);
  }
}

TEST_CASE("policy: JSON size caps") {
  std::string big = wrap(R"({"tensors":"a","frozen":true})");
  big.insert(big.size() - 1, std::string(kPolicyMaxJsonBytes, ' '));
  CHECK(error_of([&] { (void)Policy::from_json(big); }).find("exceeds the cap 1048576") != std::string::npos);

  std::string rules;
  for (std::size_t i = 0; i <= kPolicyMaxRules; ++i) rules += std::string(i ? "," : "") + R"({"tensors":"a","frozen":true})";
  CHECK(error_of([&] { (void)Policy::from_json(wrap(rules)); }).find("rules: 4097 rules exceed the cap 4096") != std::string::npos);
  const std::string at_cap = wrap(rules.substr(rules.find("},{") + 2));
  CHECK(Policy::from_json(at_cap).rules.size() == kPolicyMaxRules);

  std::string globs;
  for (std::size_t i = 0; i <= kPolicyMaxGlobs; ++i) globs += std::string(i ? "," : "") + "\"a\"";
  CHECK(error_of([&] { (void)Policy::from_json(wrap(R"({"tensors":[)" + globs + R"(],"frozen":true})")); })
            .find("rules[0].tensors: 4097 globs exceed the cap 4096") != std::string::npos);
}

TEST_CASE("policy: JSON and binary round trips are exact") {
  std::mt19937_64 rng(0xD0B1);
  Policy p;
  auto real = [&](bool positive) {  // random bit patterns: subnormals, huge, tiny
    for (;;) {
      const double v = std::bit_cast<double>(rng() & ~(std::uint64_t{1} << 63));
      if (std::isfinite(v) && (!positive || v > 0)) return v;
    }
  };
  const std::vector<double> special{5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1.0 / 3, 9007199254740993.0, 1e21, 1e-7};
  for (int i = 0; i < 300; ++i) {
    PolicyRule r;
    std::string glob(1, 'r');  // (not "r" + …: GCC 12's -Wrestrict false positive)
    glob += std::to_string(i);
    r.patterns = {glob + '*'};
    const double v = i < static_cast<int>(special.size()) ? special[i] : real(true);
    r.norm = NormRule{v};
    r.entry = EntryRule{i % 7 == 0 ? 0.0 : real(false)};
    r.low_rank = LowRankRule{1 + static_cast<std::uint32_t>(rng() % kPolicyMaxRank), 1 + static_cast<std::uint32_t>(rng() % 24), real(false)};
    r.sparse = SparseRule{1 + rng() % kPolicyMaxNonzeros};
    r.projection = ProjectionRule{real(true), 1 + static_cast<std::uint32_t>(rng() % 1024)};
    p.rules.push_back(r);
  }
  const Policy q = Policy::from_json(p.to_json());
  REQUIRE(q.rules.size() == p.rules.size());
  for (std::size_t i = 0; i < p.rules.size(); ++i) {
    CHECK(std::bit_cast<std::uint64_t>(q.rules[i].norm->max) == std::bit_cast<std::uint64_t>(p.rules[i].norm->max));
    CHECK(std::bit_cast<std::uint64_t>(q.rules[i].low_rank->residual_max) ==
          std::bit_cast<std::uint64_t>(p.rules[i].low_rank->residual_max));
  }
  CHECK(q == p);
  check_canonical(p);
  check_canonical(full_policy());
  // Equal policies, one JSON text and one encoding, however the JSON was written.
  const Policy a = Policy::from_json(R"({"rules":[{"tensors":"x","entry":{"max":0}}],"vtensor_policy":1})");
  const Policy b = Policy::from_json(R"({"vtensor_policy":1,"rules":[{"entry":{"max":-0.0},"tensors":["x"]}]})");
  CHECK(a == b);
  CHECK(a.to_json() == b.to_json());
  CHECK(a.encode() == b.encode());
  // -0.0 set in code is accepted and written as +0.0.
  Policy c = a;
  c.rules[0].entry->max = -0.0;
  CHECK(c.encode() == a.encode());
  CHECK(c.to_json() == a.to_json());
}

TEST_CASE("policy: the digest changes with every field") {
  const Policy base = full_policy();
  const std::vector<std::function<void(Policy&)>> edits{
      [](Policy& p) { p.rules[0].patterns[0] += "x"; },
      [](Policy& p) { std::swap(p.rules[0].patterns[0], p.rules[0].patterns[1]); },
      [](Policy& p) { p.rules[0].patterns.push_back("y"); },
      [](Policy& p) { p.rules[0].patterns.pop_back(); },
      [](Policy& p) { p.rules[0].low_rank->rank = 17; },
      [](Policy& p) { p.rules[0].low_rank->factor_bits = 16; },
      [](Policy& p) { p.rules[0].low_rank->residual_max = 0; },
      [](Policy& p) { p.rules[0].low_rank.reset(); },
      [](Policy& p) { p.rules[0].norm->max = std::nextafter(0.5, 1.0); },
      [](Policy& p) { p.rules[0].norm.reset(); },
      [](Policy& p) { p.rules[0].entry = EntryRule{0}; },
      [](Policy& p) { p.rules[1].entry->max = 0.02; },
      [](Policy& p) { p.rules[1].sparse->max_nonzeros = 4097; },
      [](Policy& p) { p.rules[1].sparse.reset(); },
      [](Policy& p) { p.rules[1].projection->max = 2.5; },
      [](Policy& p) { p.rules[1].projection->projections = 65; },
      [](Policy& p) { p.rules[1].norm = NormRule{1}; },
      [](Policy& p) { p.rules[2].frozen = false; p.rules[2].norm = NormRule{1}; },
      [](Policy& p) { p.rules[2].patterns[0] = "embed_tokens.bias"; },
      [](Policy& p) { std::swap(p.rules[0], p.rules[1]); },
      [](Policy& p) { p.rules.pop_back(); },
      [](Policy& p) { p.rules.push_back(p.rules[2]); },
      [](Policy& p) { p.rules.clear(); },
  };
  std::vector<Digest> seen{base.digest()};
  for (std::size_t k = 0; k < edits.size(); ++k) {
    INFO("edit " << k);
    Policy p = base;
    edits[k](p);
    REQUIRE_NOTHROW(p.validate());
    CHECK(!(p == base));
    const Digest d = p.digest();
    for (const auto& s : seen) CHECK(d != s);
    seen.push_back(d);
    CHECK(Policy::decode(p.encode()) == p);
  }
}

TEST_CASE("policy: validate, encode and to_json reject invalid policies") {
  const std::vector<std::pair<std::function<void(Policy&)>, std::string>> cases{
      {[](Policy& p) { p.rules[0].patterns.clear(); }, "rules[0].tensors: a rule needs at least one glob"},
      {[](Policy& p) { p.rules[0].patterns[1] = "a["; }, "rules[0].tensors[1]: unterminated '['"},
      {[](Policy& p) { p.rules[0].patterns[1] = std::string(1, '\xff'); }, "rules[0].tensors[1]: glob \"\\xff\" is not valid UTF-8"},
      {[](Policy& p) { p.rules[0].patterns[1] = std::string(1025, 'a'); }, "exceeds the cap 1024"},
      {[](Policy& p) { p.rules[0].patterns.assign(kPolicyMaxGlobs + 1, "a"); }, "rules[0].tensors: 4097 globs exceed the cap 4096"},
      {[](Policy& p) { p.rules[0].low_rank->rank = 0; }, "rules[0].low_rank.rank: expected an integer in [1, 1048576], got 0"},
      {[](Policy& p) { p.rules[0].low_rank->factor_bits = 25; }, "rules[0].low_rank.factor_bits"},
      {[](Policy& p) { p.rules[0].low_rank->residual_max = std::nan(""); }, "rules[0].low_rank.residual_max: expected a finite number >= 0"},
      {[](Policy& p) { p.rules[0].norm->max = 0; }, "rules[0].norm.max: expected a finite number > 0, got 0"},
      {[](Policy& p) { p.rules[0].norm->max = INFINITY; }, "rules[0].norm.max: expected a finite number > 0, got inf"},
      {[](Policy& p) { p.rules[1].entry->max = -1e-300; }, "rules[1].entry.max"},
      {[](Policy& p) { p.rules[1].sparse->max_nonzeros = kPolicyMaxNonzeros + 1; }, "rules[1].sparse.max_nonzeros"},
      {[](Policy& p) { p.rules[1].projection->projections = 0; }, "rules[1].projection.projections"},
      {[](Policy& p) { p.rules[1].projection->max = -2; }, "rules[1].projection.max"},
      {[](Policy& p) { p.rules[2].norm = NormRule{1}; }, "rules[2]: \"frozen\" excludes other constraints"},
      {[](Policy& p) { p.rules[2].frozen = false; }, "rules[2]: a rule needs at least one constraint"},
      {[](Policy& p) { p.rules.assign(kPolicyMaxRules + 1, p.rules[2]); }, "rules: 4097 rules exceed the cap 4096"},
  };
  for (const auto& c : cases) {
    const std::string& want = c.second;
    INFO("want: " << want);
    Policy p = full_policy();
    c.first(p);
    for (const auto& got : {error_of([&] { p.validate(); }), error_of([&] { (void)p.encode(); }),
                            error_of([&] { (void)p.to_json(); }), error_of([&] { (void)p.digest(); })}) {
      INFO("error: " << got);
      CHECK(got.rfind("policy error: ", 0) == 0);
      CHECK(got.find(want) != std::string::npos);
    }
  }
}

TEST_CASE("policy: decode rejects non-canonical bytes at their offset") {
  auto header = [](std::uint32_t rules) {
    ByteWriter w;
    w.u32(kPolicyMagic);
    w.u16(kPolicyVersion);
    w.u32(rules);
    return w;
  };
  auto one_rule = [&](std::uint8_t mask, const std::function<void(ByteWriter&)>& fields) {
    ByteWriter w = header(1);
    w.u32(1);
    w.u16(1);
    w.u8('a');
    w.u8(mask);
    fields(w);
    return std::move(w).take();
  };
  auto dec = [](const Bytes& b) { return error_of([&] { (void)Policy::decode(b); }); };
  const Bytes good = one_rule(1 << 2, [](ByteWriter& w) { w.u64(0); });  // entry.max = +0.0
  CHECK(Policy::decode(good).rules.at(0).entry == EntryRule{0});
  CHECK(Policy::decode(header(0).data()).rules.empty());

  Bytes b = good;
  b[0] ^= 1;
  CHECK(dec(b).find("policy at byte 0: magic") != std::string::npos);
  b = good;
  b[4] = 2;
  CHECK(dec(b).find("policy at byte 4: version") != std::string::npos);
  CHECK(dec(header(4097).data()).find("policy at byte 6: rule count 4097 exceeds the cap 4096") != std::string::npos);
  CHECK(dec(header(4096).data()).find("policy at byte 6: rule count 4096 needs more bytes than remain") != std::string::npos);
  b = good;
  b.push_back(0);
  CHECK(dec(b).find("trailing") != std::string::npos);
  b = good;
  b.pop_back();
  CHECK(dec(b).find("truncated") != std::string::npos);
  CHECK(dec(one_rule(0, [](ByteWriter&) {})).find("policy at byte 17: rules[0]: a rule needs at least one constraint") != std::string::npos);
  CHECK(dec(one_rule(0x40, [](ByteWriter&) {})).find("policy at byte 17: rules[0]: mask 64 has unknown bits") != std::string::npos);
  CHECK(dec(one_rule(3, [](ByteWriter& w) { w.u64(std::bit_cast<std::uint64_t>(1.0)); })).find("policy at byte 17: rules[0]: \"frozen\" excludes") != std::string::npos);
  CHECK(dec(one_rule(4, [](ByteWriter& w) { w.u64(std::bit_cast<std::uint64_t>(-0.0)); })).find("policy at byte 18: rules[0].entry.max: -0.0 is not canonical") != std::string::npos);
  CHECK(dec(one_rule(2, [](ByteWriter& w) { w.u64(std::bit_cast<std::uint64_t>(std::numeric_limits<double>::quiet_NaN())); }))
            .find("policy at byte 18: rules[0].norm.max: expected a finite number > 0, got nan") != std::string::npos);
  CHECK(dec(one_rule(8, [](ByteWriter& w) { w.u32(1); w.u32(25); w.u64(0); })).find("policy at byte 22: rules[0].low_rank.factor_bits: expected an integer in [1, 24], got 25") != std::string::npos);
  CHECK(dec(one_rule(16, [](ByteWriter& w) { w.u64(0); })).find("policy at byte 18: rules[0].sparse.max_nonzeros") != std::string::npos);
  {
    ByteWriter w = header(1);
    w.u32(0xFFFFFFFF);
    w.u64(0);
    CHECK(dec(std::move(w).take()).find("policy at byte 10: rules[0]: glob count 4294967295 not in [1, 4096]") != std::string::npos);
  }
  {
    ByteWriter w = header(1);
    w.u32(1);
    w.u16(2);
    w.u8('a');
    w.u8('[');
    w.u8(1);
    CHECK(dec(std::move(w).take()).find("policy at byte 14: rules[0].tensors[0]: unterminated '['") != std::string::npos);
  }
  {
    ByteWriter w = header(1);
    w.u32(1);
    w.u16(0);
    w.u8(1);
    w.u8(0);
    CHECK(dec(std::move(w).take()).find("policy at byte 14: rules[0].tensors[0]: empty glob") != std::string::npos);
  }
}

TEST_CASE("policy: every byte mutation of an encoding is rejected or canonical") {
  const Policy p = full_policy();
  const Bytes e = p.encode();
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < e.size(); ++i)
    for (std::uint8_t flip : {0x01, 0x80, 0xFF}) {
      Bytes m = e;
      m[i] ^= flip;
      try {
        const Policy q = Policy::decode(m);
        ++accepted;
        INFO("byte " << i << " flip " << int(flip));
        CHECK(!(q == p));
        CHECK(q.encode() == m);
      } catch (const DecodeError&) {
      }
    }
  CHECK(accepted > 0);  // the mutations reach the values, not only the framing
}

TEST_CASE("policy: bounded fuzz of from_json") {
  const std::vector<std::string> seeds{kExample, kDense, kSmall};
  const std::string json_bytes = "{}[]\",:0123456789-.eE trufalsn\\*?";
  std::mt19937_64 rng(0xF0221);
  std::size_t accepted = 0;
  for (int it = 0; it < 20000; ++it) {
    std::string t = seeds[it % seeds.size()];
    for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) {
      const std::size_t at = rng() % (t.size() + 1);
      const auto byte = [&] {
        return rng() % 2 ? json_bytes[rng() % json_bytes.size()] : static_cast<char>(rng());
      };
      switch (rng() % 3) {
        case 0:
          if (at < t.size()) t[at] = byte();
          break;
        case 1:
          t.insert(t.begin() + static_cast<std::ptrdiff_t>(at), byte());
          break;
        default:
          if (at < t.size()) t.erase(at, 1 + rng() % 4);
      }
    }
    std::optional<Policy> p;
    try {
      p.emplace(Policy::from_json(t));
    } catch (const PolicyError& e) {
      REQUIRE(std::string(e.what()).size() > 14);
      continue;
    }
    ++accepted;
    INFO("json: " << t);
    check_canonical(*p);
  }
  CHECK(accepted > 200);
}

TEST_CASE("policy: bounded fuzz of decode") {
  const std::vector<Bytes> seeds{full_policy().encode(), Policy::from_json(kExample).encode(),
                                 Policy::from_json(kDense).encode()};
  std::mt19937_64 rng(0xF0222);
  std::size_t accepted = 0;
  for (int it = 0; it < 20000; ++it) {
    Bytes b = seeds[it % seeds.size()];
    for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) {
      const std::size_t at = rng() % (b.size() + 1);
      switch (rng() % 4) {
        case 0:
          if (at < b.size()) b[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        case 1:
          if (at < b.size()) b[at] = static_cast<std::uint8_t>(rng());
          break;
        case 2:
          b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng()));
          break;
        default:
          if (at < b.size()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(at));
      }
    }
    std::optional<Policy> p;
    try {
      p.emplace(Policy::decode(b));
    } catch (const DecodeError& e) {
      REQUIRE(std::string(e.what()).find("policy at byte ") != std::string::npos);
      continue;
    }
    ++accepted;
    REQUIRE(p->encode() == b);
    check_canonical(*p);
  }
  CHECK(accepted > 200);
}
