// vtensor/field/concepts.hpp — the Field concept every template is written against.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace vtensor {

// A finite field with canonical fixed-width byte encoding.
template <class F>
concept Field = std::regular<F> && requires(F a, F b, std::uint8_t* out, const std::uint8_t* in) {
  typename F::Base;
  { F::kByteSize } -> std::convertible_to<std::size_t>;
  { F::kDegree } -> std::convertible_to<std::size_t>;
  { F::kFieldId } -> std::convertible_to<std::uint16_t>;
  { F::zero() } -> std::same_as<F>;
  { F::one() } -> std::same_as<F>;
  { a + b } -> std::same_as<F>;
  { a - b } -> std::same_as<F>;
  { a * b } -> std::same_as<F>;
  { -a } -> std::same_as<F>;
  { a.inverse() } -> std::same_as<F>;
  { a.square() } -> std::same_as<F>;
  { a.is_zero() } -> std::convertible_to<bool>;
  { a.to_bytes(out) };
  { F::from_bytes(in) } -> std::same_as<std::optional<F>>;
};

// E is an extension of (or equal to) F: F embeds in E and E·F is defined.
template <class E, class F>
concept ExtensionOf = Field<E> && Field<F> && std::convertible_to<F, E> && requires(E e, F f) {
  { e * f } -> std::convertible_to<E>;
  { e + E(f) } -> std::same_as<E>;
};

}  // namespace vtensor
