// vtensor/proofs/drift/detail/policy_json.hpp — the JSON form of a drift policy:
// Policy::from_json and Policy::to_json (the format is described in policy.hpp, which
// includes this file at its end).
//
// nlohmann's parser keeps the last of two equal keys and nests as deep as its input. A
// parser callback therefore follows the JSON path as the text is read, rejects a
// duplicate key in any object and stops at the depth the format needs (4: the top
// object, "rules", a rule, a "tensors" array or a constraint object) before anything
// deeper is built. Every field is then read with its JSON type and range checked, and
// each rule goes through the same rule_error as Policy::validate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "vtensor/proofs/drift/policy.hpp"

namespace vtensor::drift::policy_detail {

using Json = nlohmann::json;
inline constexpr std::size_t kPolicyJsonDepth = 4;

[[noreturn]] inline void json_fail(const std::string& path, const std::string& msg) {
  throw PolicyError(path + ": " + msg);
}

// A JSON value in a message: its text, cut short at a UTF-8 boundary.
inline std::string brief(const Json& x) {
  std::string s = x.dump();
  if (s.size() > 64) {
    std::size_t n = 64;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s.resize(n);
    s += "…";
  }
  return s;
}

// Parses `text`, rejecting duplicate keys and deep nesting (see the top); every
// failure is a PolicyError.
inline Json parse_policy_json(std::string_view text) {
  if (text.size() > kPolicyMaxJsonBytes)
    throw PolicyError("text of " + std::to_string(text.size()) + " bytes exceeds the cap " +
                      std::to_string(kPolicyMaxJsonBytes));
  struct Frame {
    bool object = false;
    std::string key;            // objects: the key being read
    std::size_t index = 0;      // arrays: elements begun so far
    std::set<std::string> keys; // objects: keys seen
  };
  std::vector<Frame> frames;
  // The path of the value being read inside frames[0, n).
  auto path = [&](std::size_t n) {
    std::string s;
    for (std::size_t k = 0; k < n; ++k) {
      if (!frames[k].object) {
        s += '[';
        s += std::to_string(frames[k].index - 1);
        s += ']';
      } else {
        if (!s.empty()) s += '.';
        s += frames[k].key;
      }
    }
    return s.empty() ? std::string("top level") : s;
  };
  const Json::parser_callback_t callback = [&](int, Json::parse_event_t event, Json& parsed) {
    using Event = Json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (!frames.empty() && !frames.back().object) ++frames.back().index;
        if (frames.size() == kPolicyJsonDepth)
          json_fail(path(frames.size()), "nesting deeper than the policy format's " +
                                             std::to_string(kPolicyJsonDepth) + " levels");
        frames.push_back(Frame{event == Event::object_start, {}, 0, {}});
        break;
      case Event::key: {
        Frame& f = frames.back();
        f.key = parsed.get_ref<const std::string&>();
        if (!f.keys.insert(f.key).second) json_fail(path(frames.size() - 1), "duplicate key " + quote(f.key));
        break;
      }
      case Event::value:
        if (!frames.empty() && !frames.back().object) ++frames.back().index;
        break;
      case Event::object_end:
      case Event::array_end:
        frames.pop_back();
        break;
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), callback);
  } catch (const Json::exception& e) {  // parse_error (with its byte position), number overflow
    throw PolicyError(std::string("invalid JSON: ") + e.what());
  }
}

inline void check_keys(const Json& o, const std::string& path, const std::vector<std::string_view>& allowed) {
  for (const auto& item : o.items()) {
    bool known = false;
    for (auto a : allowed) known = known || item.key() == a;
    if (known) continue;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    json_fail(path, "unknown key " + quote(item.key()) + " (expected one of: " + list + ")");
  }
}

inline const Json& required(const Json& o, const std::string& path, const char* key) {
  const auto it = o.find(key);
  if (it == o.end()) json_fail(path, std::string("missing key \"") + key + "\"");
  return *it;
}

// A field of type T: reals take any JSON number (−0 becomes +0), integers only JSON
// integers (not 16.0, not 1e3).
template <class T>
T read_value(const Json& x, const FieldSpec& s, const std::string& path) {
  auto fail = [&] { json_fail(path, expectation<T>(s) + ", got " + brief(x)); };
  if constexpr (std::is_floating_point_v<T>) {
    if (!x.is_number()) fail();
    const double v = canonical_real(x.get<double>());
    if (!value_ok(v, s)) fail();
    return v;
  } else {
    std::uint64_t v = 0;
    if (x.is_number_unsigned())
      v = x.get<std::uint64_t>();
    else if (x.is_number_integer() && x.get<std::int64_t>() == 0)  // "-0"
      v = 0;
    else
      fail();
    if (!value_ok(v, s)) fail();
    return static_cast<T>(v);
  }
}

inline void read_globs(const Json& t, const std::string& path, PolicyRule& rule) {
  auto add = [&](const Json& g, const std::string& at) {
    if (!g.is_string()) json_fail(at, "expected a glob string, got " + brief(g));
    const auto& s = g.get_ref<const std::string&>();
    if (auto e = pattern_error(s); !e.empty()) json_fail(at, e);
    rule.patterns.push_back(s);
  };
  if (t.is_string()) {
    add(t, path);
  } else if (t.is_array() && !t.empty()) {
    if (t.size() > kPolicyMaxGlobs)
      json_fail(path, std::to_string(t.size()) + " globs exceed the cap " + std::to_string(kPolicyMaxGlobs));
    for (std::size_t k = 0; k < t.size(); ++k) add(t[k], path + "[" + std::to_string(k) + "]");
  } else {
    json_fail(path, "expected a glob string or a non-empty array of glob strings, got " + brief(t));
  }
}

inline PolicyRule rule_from_json(const Json& o, std::size_t i) {
  const std::string at = "rules[" + std::to_string(i) + "]";
  if (!o.is_object()) json_fail(at, "expected a rule object, got " + brief(o));
  check_keys(o, at, {"tensors", "frozen", "norm", "entry", "low_rank", "sparse", "projection"});
  PolicyRule rule;
  read_globs(required(o, at, "tensors"), at + ".tensors", rule);
  if (const auto f = o.find("frozen"); f != o.end()) {
    if (!(f->is_boolean() && f->get<bool>()))
      json_fail(at + ".frozen", "expected true (leave \"frozen\" out of a rule that may change), got " + brief(*f));
    rule.frozen = true;
  }
  visit_constraints(rule, [&](const char* name, unsigned, auto& c) {
    const auto it = o.find(name);
    if (it == o.end()) return;
    const std::string path = at + "." + name;
    if (!it->is_object()) json_fail(path, "expected an object, got " + brief(*it));
    c.emplace();  // optional keys keep these defaults
    std::vector<std::string_view> keys;
    visit_fields(*c, [&](auto&, const FieldSpec& s) { keys.push_back(s.key); });
    check_keys(*it, path, keys);
    visit_fields(*c, [&](auto& v, const FieldSpec& s) {
      if (s.required) (void)required(*it, path, s.key);
      const auto f = it->find(s.key);
      if (f != it->end()) v = read_value<std::remove_cvref_t<decltype(v)>>(*f, s, path + "." + s.key);
    });
  });
  if (auto e = rule_error(rule, i); !e.empty()) throw PolicyError(e);
  return rule;
}

}  // namespace vtensor::drift::policy_detail

namespace vtensor::drift {

inline Policy Policy::from_json(std::string_view text) {
  using policy_detail::json_fail;
  const policy_detail::Json j = policy_detail::parse_policy_json(text);
  if (!j.is_object()) json_fail("top level", "expected an object, got " + policy_detail::brief(j));
  policy_detail::check_keys(j, "top level", {"vtensor_policy", "rules"});
  const auto& version = policy_detail::required(j, "top level", "vtensor_policy");
  if (!version.is_number_unsigned() || version.get<std::uint64_t>() != kPolicyJsonVersion)
    json_fail("vtensor_policy", "unsupported version " + policy_detail::brief(version) + " (this library reads version " +
                                    std::to_string(kPolicyJsonVersion) + ")");
  const auto& rules = policy_detail::required(j, "top level", "rules");
  if (!rules.is_array()) json_fail("rules", "expected an array of rules, got " + policy_detail::brief(rules));
  if (rules.size() > kPolicyMaxRules)
    json_fail("rules", std::to_string(rules.size()) + " rules exceed the cap " + std::to_string(kPolicyMaxRules));
  Policy p;
  p.rules.reserve(rules.size());
  for (std::size_t i = 0; i < rules.size(); ++i) p.rules.push_back(policy_detail::rule_from_json(rules[i], i));
  return p;
}

inline std::string Policy::to_json() const {
  validate();  // globs are then valid UTF-8, which dump() requires
  using Out = nlohmann::ordered_json;  // keeps the canonical key order
  Out rules_json = Out::array();
  for (const auto& rule : rules) {
    Out o = Out::object();
    o["tensors"] = rule.patterns;
    if (rule.frozen) o["frozen"] = true;
    policy_detail::visit_constraints(rule, [&](const char* name, unsigned, const auto& c) {
      if (!c) return;
      Out fields = Out::object();
      policy_detail::visit_fields(*c, [&](const auto& v, const policy_detail::FieldSpec& s) {
        if constexpr (std::is_floating_point_v<std::remove_cvref_t<decltype(v)>>)
          fields[s.key] = policy_detail::canonical_real(v);  // printed with round-trip precision
        else
          fields[s.key] = v;
      });
      o[name] = std::move(fields);
    });
    rules_json.push_back(std::move(o));
  }
  Out j = Out::object();
  j["vtensor_policy"] = kPolicyJsonVersion;
  j["rules"] = std::move(rules_json);
  return j.dump(2) + "\n";
}

}  // namespace vtensor::drift
