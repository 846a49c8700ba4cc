# FindLAPACKE — LAPACKE (the C interface) on top of LAPACK.
# Defines LAPACKE_FOUND and the imported target LAPACKE::LAPACKE (which links LAPACK::LAPACK).
include(CMakeFindDependencyMacro)
find_package(LAPACK QUIET)
find_path(LAPACKE_INCLUDE_DIR NAMES lapacke.h PATH_SUFFIXES lapacke openblas)
find_library(LAPACKE_LIBRARY NAMES lapacke)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LAPACKE REQUIRED_VARS LAPACKE_LIBRARY LAPACKE_INCLUDE_DIR LAPACK_FOUND)

if(LAPACKE_FOUND AND NOT TARGET LAPACKE::LAPACKE)
  add_library(LAPACKE::LAPACKE UNKNOWN IMPORTED)
  set_target_properties(LAPACKE::LAPACKE PROPERTIES IMPORTED_LOCATION "${LAPACKE_LIBRARY}"
                                                    INTERFACE_INCLUDE_DIRECTORIES "${LAPACKE_INCLUDE_DIR}")
  target_link_libraries(LAPACKE::LAPACKE INTERFACE LAPACK::LAPACK)
endif()
mark_as_advanced(LAPACKE_INCLUDE_DIR LAPACKE_LIBRARY)
