# The API reference: a `docs` target that runs Doxygen over the public headers (include/dptz, without detail/),
# defined when Doxygen is found. DPTZ_DOCS_WERROR=ON makes every Doxygen warning (an undocumented public symbol,
# a bad \param) fail the build.
#
# Run as a script (cmake -DDPTZ_SOURCE_DIR=<repo> -P cmake/docs.cmake) it checks that every docs page still quotes
# its example from examples/ verbatim (the ctest docs_examples_quoted).
if(CMAKE_SCRIPT_MODE_FILE)
  # page -> example it quotes in a ```cpp block, verbatim from its first line to its last
  set(pairs "docs/solver.md=examples/solver.cpp" "docs/quadrature.md=examples/quadrature.cpp"
            "docs/updates.md=examples/updates.cpp" "docs/lapack.md=examples/lapack.cpp")
  foreach(pair IN LISTS pairs)
    string(REPLACE "=" ";" pair "${pair}")
    list(GET pair 0 page)
    list(GET pair 1 example)
    file(READ "${DPTZ_SOURCE_DIR}/${page}" page_text)
    file(READ "${DPTZ_SOURCE_DIR}/${example}" example_text)
    string(FIND "${page_text}" "```cpp\n${example_text}```" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${page} does not quote ${example} verbatim (a ```cpp block holding the whole file): "
                          "copy the example into the page again")
    endif()
  endforeach()
  return()
endif()

find_package(Doxygen)
option(DPTZ_DOCS_WERROR "Fail the docs target on any Doxygen warning" OFF)
if(DOXYGEN_FOUND)
  set(DPTZ_DOCS_OUTPUT ${PROJECT_BINARY_DIR}/docs)
  if(DPTZ_DOCS_WERROR)
    set(DPTZ_DOCS_WARN_AS_ERROR FAIL_ON_WARNINGS)
  else()
    set(DPTZ_DOCS_WARN_AS_ERROR NO)
  endif()
  configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${DPTZ_DOCS_OUTPUT}/Doxyfile @ONLY)
  add_custom_target(docs COMMAND ${DOXYGEN_EXECUTABLE} ${DPTZ_DOCS_OUTPUT}/Doxyfile
                    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                    COMMENT "API reference (Doxygen) in ${DPTZ_DOCS_OUTPUT}/html"
                    VERBATIM)
else()
  message(STATUS "dptz: Doxygen not found, no `docs` target (Debian: doxygen)")
endif()
if(DPTZ_BUILD_TESTS)
  add_test(NAME docs_examples_quoted
           COMMAND ${CMAKE_COMMAND} -DDPTZ_SOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${PROJECT_SOURCE_DIR}/cmake/docs.cmake)
endif()
