# Installs dptz from the build tree into a scratch prefix, then configures, builds and runs an outside project
# that finds it with find_package(dptz CONFIG REQUIRED). Its main.cpp is the README's example: the README must quote
# it verbatim, so the example users copy is the one this test compiles and runs.
file(READ ${DPTZ_SOURCE_DIR}/tests/consumer/main.cpp consumer_code)
file(READ ${DPTZ_SOURCE_DIR}/README.md readme)
string(FIND "${readme}" "```cpp\n${consumer_code}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md does not quote tests/consumer/main.cpp verbatim in a ```cpp block: "
                      "the README's example and the tested consumer have drifted apart")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
  message(STATUS "${out}")
endfunction()
run(${CMAKE_COMMAND} --install ${DPTZ_BINARY_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${DPTZ_SOURCE_DIR}/tests/consumer -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
