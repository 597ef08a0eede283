# cmake -DFUZZER=<exe> -DWORK=<dir> -DSEEDS=<dir> -DARGS=<a;b;...> -P run_fuzzer.cmake
#
# Runs a libFuzzer target from an empty corpus directory WORK (libFuzzer writes the inputs it
# finds there) plus the read-only seed corpus SEEDS, so that every run starts from the same state
# and the source tree is never written to. A crashing input is written next to WORK (crash-<sha1>).
# Fails if the fuzzer does.
cmake_path(GET WORK PARENT_PATH artifacts)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${FUZZER} ${ARGS} ${WORK} ${SEEDS}
                WORKING_DIRECTORY ${artifacts}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "run_fuzzer: ${FUZZER} failed (${result}); the crashing input is in ${artifacts}")
endif()
