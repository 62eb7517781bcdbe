# Host-architecture flags for vtensor's own tests, benchmarks and tools. The
# INTERFACE library adds none: a consumer's flags decide whether the packed
# (AVX2) field arithmetic is compiled in. We enable AVX2/FMA/BMI2/ADX only when
# the configuring host runs them; AVX-512 is never required or enabled.
include(CheckCXXSourceRuns)
if(VTENSOR_HOST_ARCH AND CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  check_cxx_source_runs([=[
    int main() {
      __builtin_cpu_init();
      return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
              __builtin_cpu_supports("fma")) ? 0 : 1;
    }]=] VTENSOR_HOST_HAS_AVX2)
endif()

function(vtensor_target_arch target)
  if(VTENSOR_HOST_HAS_AVX2)
    target_compile_options(${target} PRIVATE -mavx2 -mfma -mbmi2 -madx)
  endif()
  target_compile_options(${target} PRIVATE -Wall -Wextra)
endfunction()
