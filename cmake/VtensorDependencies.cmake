# Finds every dependency of vtensor::vtensor. Included by the build and, installed,
# by vtensorConfig.cmake (with find_dependency semantics via the macro below).
if(NOT COMMAND vtensor_find)
  macro(vtensor_find)
    if(VTENSOR_FIND_AS_DEPENDENCY)
      find_dependency(${ARGN})
    else()
      find_package(${ARGN} REQUIRED)
    endif()
  endmacro()
endif()

vtensor_find(Eigen3 3.4 NO_MODULE)
# Debian's xsimd 8.1 exports a target that links a missing `xtl`: an empty
# interface target of that name satisfies it (xsimd's headers do not need xtl).
if(NOT TARGET xtl)
  add_library(xtl INTERFACE IMPORTED)
endif()
vtensor_find(xsimd)
vtensor_find(fmt)
vtensor_find(OpenSSL COMPONENTS Crypto)
vtensor_find(OpenMP COMPONENTS CXX)
vtensor_find(nlohmann_json 3)
