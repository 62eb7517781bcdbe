// Policies resolved against a layout and a scale (proofs/drift/constraints.hpp): exact
// fixed-point bounds, first-match and default-frozen semantics, and clear refusals of
// bounds whose integer meaning could wrap mod p or that do not fit the tensor.
#include <doctest/doctest.h>

#include <string>

#include "vtensor/proofs/drift/constraints.hpp"
#include "vtensor/proofs/drift/plan.hpp"

using namespace vtensor;
using namespace vtensor::drift;

namespace {

Policy policy(const std::string& rules) { return Policy::from_json(R"({"vtensor_policy": 1, "rules": [)" + rules + "]}"); }

std::string refusal(const Policy& p, const ModelLayout& l, int scale) {
  try {
    resolve_constraints(p, l, scale);
  } catch (const ArgumentError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("drift constraints: exact fixed-point bounds") {
  CHECK(to_fixed(0.1, 16, "x") == 6553);                 // 0.1·2^16 = 6553.6000000000004
  CHECK(to_fixed_squared(0.1, 16, "x") == 42949672);     // 6553.6000000000004² = 42949672.96…
  CHECK(to_fixed(2.5, 0, "x") == 2);
  CHECK(to_fixed_squared(2.5, 0, "x") == 6);
  CHECK(to_fixed_squared(3.0, 1, "x") == 36);
  CHECK(to_fixed_squared(0.0, 10, "x") == 0);
  CHECK(to_fixed_squared(std::ldexp(1.0, 30), 0, "x") == std::uint64_t{1} << 60);
  CHECK_THROWS_AS(to_fixed_squared(std::ldexp(1.0, 31), 0, "x"), ArgumentError);  // 2^62
  for (double big : {std::ldexp(1.0, 64), 1.5 * std::ldexp(1.0, 70), std::ldexp(1.0, 83)})  // past 128-bit shifts
    CHECK_THROWS_AS(to_fixed_squared(big, 0, "x"), ArgumentError);
  CHECK_THROWS_AS(to_fixed(std::ldexp(1.0, 62), 0, "x"), ArgumentError);
  CHECK_THROWS_AS(to_fixed(-1.0, 0, "x"), ArgumentError);
  CHECK(bit_length(0) == 0);
  CHECK(bit_length(1) == 1);
  CHECK(bit_length(255) == 8);
  CHECK(bit_length(256) == 9);
}

TEST_CASE("drift constraints: first match wins, unnamed tensors are frozen") {
  const ModelLayout l(std::vector<ModelTensorSpec>{
      {"a.weight", 0, {8, 8}}, {"a.bias", 0, {8}}, {"b.weight", 0, {8, 8}}, {"c", 0, {4}}});
  const auto p = policy(R"({"tensors": "a.*", "entry": {"max": 1}},
                          {"tensors": "*.weight", "norm": {"max": 2}},
                          {"tensors": "c", "frozen": true})");
  const auto cs = resolve_constraints(p, l, 4);
  REQUIRE(cs.size() == 4);
  CHECK(cs[0].rule == 0u);
  CHECK(cs[0].entry);
  CHECK_FALSE(cs[0].norm);  // a.weight matches rule 0 first
  CHECK(cs[0].entry->eps == 16);
  CHECK(cs[1].rule == 0u);
  CHECK(cs[2].rule == 1u);
  CHECK(cs[2].norm->bound_sq == 1024);  // (2·16)²
  CHECK(cs[2].norm->range_bits == 7);   // 2^6 > 32
  CHECK(cs[3].rule == 2u);
  CHECK(cs[3].frozen);
  const auto unnamed = resolve_constraints(policy(R"({"tensors": "zzz", "norm": {"max": 1}})"), l, 0);
  for (const auto& c : unnamed) {
    CHECK_FALSE(c.rule);
    CHECK(c.frozen);
  }
  // The plan of an all-frozen policy commits nothing and looks nothing up.
  const Plan plan = make_plan(l, unnamed);
  CHECK(plan.bundle_a.empty());
  CHECK(plan.columns.empty());
}

TEST_CASE("drift constraints: bounds that could wrap, or do not fit, are refused with the tensor named") {
  const ModelLayout big(std::vector<ModelTensorSpec>{{"w", 0, {4096, 4096}}, {"v", 0, {4096}}});
  // norm: 2^24 entries of up to 2^19 squared reach 2^62 — refused; 2^18 fits.
  auto msg = refusal(policy(R"({"tensors": "w", "norm": {"max": 8}})"), big, 16);  // τ_q = 2^19
  CHECK(msg.find("'w'") != std::string::npos);
  CHECK(msg.find("wrap") != std::string::npos);
  CHECK(refusal(policy(R"({"tensors": "w", "norm": {"max": 3.99}})"), big, 16).empty());
  // entry: a range table above 2^24 entries.
  msg = refusal(policy(R"({"tensors": "w", "entry": {"max": 200}})"), big, 16);
  CHECK(msg.find("2^24") != std::string::npos);
  // low rank: on a vector; rank not below min(rows, cols); factors that could wrap.
  msg = refusal(policy(R"({"tensors": "v", "low_rank": {"rank": 1}})"), big, 0);
  CHECK(msg.find("matrix") != std::string::npos);
  const ModelLayout small(std::vector<ModelTensorSpec>{{"m", 0, {4, 6}}});
  msg = refusal(policy(R"({"tensors": "m", "low_rank": {"rank": 4}})"), small, 0);
  CHECK(msg.find("says nothing") != std::string::npos);
  const ModelLayout wide(std::vector<ModelTensorSpec>{{"m", 0, {1 << 20, 1 << 20}}});
  msg = refusal(policy(R"({"tensors": "m", "low_rank": {"rank": 1048575, "factor_bits": 23}})"), wide, 0);
  CHECK(msg.find("wrap") != std::string::npos);
  CHECK(refusal(policy(R"({"tensors": "m", "low_rank": {"rank": 1024, "factor_bits": 20}})"), wide, 0).empty());
  // sparse: max_nonzeros not below the entries.
  msg = refusal(policy(R"({"tensors": "m", "sparse": {"max_nonzeros": 24}})"), small, 0);
  CHECK(msg.find("says nothing") != std::string::npos);
  // sparse on a one-column matrix view
  const ModelLayout column(std::vector<ModelTensorSpec>{{"c", 0, {16, 1}}});
  msg = refusal(policy(R"({"tensors": "c", "sparse": {"max_nonzeros": 2}})"), column, 0);
  CHECK(msg.find("two columns") != std::string::npos);
  // the scale itself
  CHECK_THROWS_AS(resolve_constraints(policy(""), small, 2000), ArgumentError);
}

TEST_CASE("drift constraints: the encoding changes with every parameter") {
  const ModelLayout l(std::vector<ModelTensorSpec>{{"w", 0, {8, 8}}});
  std::vector<std::vector<std::uint8_t>> seen;
  for (const char* r : {R"({"tensors": "w", "norm": {"max": 2}})", R"({"tensors": "w", "norm": {"max": 3}})",
                        R"({"tensors": "w", "entry": {"max": 2}})", R"({"tensors": "w", "low_rank": {"rank": 2}})",
                        R"({"tensors": "w", "low_rank": {"rank": 2, "factor_bits": 8}})",
                        R"({"tensors": "w", "low_rank": {"rank": 2, "residual_max": 1}})",
                        R"({"tensors": "w", "sparse": {"max_nonzeros": 3}})",
                        R"({"tensors": "w", "projection": {"max": 2, "projections": 8}})", R"({"tensors": "x", "frozen": true})"}) {
    const auto e = encode_constraints(resolve_constraints(policy(r), l, 2));
    for (const auto& s : seen) CHECK(s != e);
    seen.push_back(e);
  }
}
