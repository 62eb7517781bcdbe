// vtensor/config.hpp — version, feature macros and the host/device annotation.
#pragma once

#define VTENSOR_VERSION_MAJOR 0
#define VTENSOR_VERSION_MINOR 1
#define VTENSOR_VERSION_PATCH 0

// Wire-format version of every proof object this release writes. Bumped on any
// change of a byte layout or of the transcript schedule.
#define VTENSOR_WIRE_VERSION 1

#if defined(__CUDACC__)
#define VTENSOR_HOST_DEVICE __host__ __device__
#else
#define VTENSOR_HOST_DEVICE
#endif

// VTENSOR_FORCE_INLINE: an attribute for field operators (member or friend): hot
// loops call them billions of times and GCC's heuristics otherwise leave the
// extension-field product out of line.
#if defined(__GNUC__) || defined(__clang__)
#define VTENSOR_FORCE_INLINE [[gnu::always_inline]]
#define VTENSOR_ALWAYS_INLINE inline __attribute__((always_inline))
#define VTENSOR_RESTRICT __restrict__
#else
#define VTENSOR_FORCE_INLINE
#define VTENSOR_ALWAYS_INLINE inline
#define VTENSOR_RESTRICT
#endif

// Packed (SIMD) Goldilocks arithmetic is compiled in when the translation unit
// is built for AVX2; otherwise the scalar code serves. Never AVX-512-only.
#if defined(__AVX2__) && !defined(VTENSOR_NO_SIMD)
#define VTENSOR_HAS_AVX2 1
#else
#define VTENSOR_HAS_AVX2 0
#endif

#if defined(_OPENMP)
#define VTENSOR_HAS_OPENMP 1
#else
#define VTENSOR_HAS_OPENMP 0
#endif

namespace vtensor {
inline constexpr unsigned kVersionMajor = VTENSOR_VERSION_MAJOR;
inline constexpr unsigned kVersionMinor = VTENSOR_VERSION_MINOR;
inline constexpr unsigned kVersionPatch = VTENSOR_VERSION_PATCH;
inline constexpr unsigned kWireVersion = VTENSOR_WIRE_VERSION;
}  // namespace vtensor
