# Runs one documentation example and checks it: exit code 0, and standard output equal to the
# expected output file (trailing spaces on a line are ignored). Used by docs/CMakeLists.txt:
#
#   cmake -DEXE=<program> -DEXPECTED=<file.out> -P run_example.cmake
#
# On success it prints the program's output; on any failure it prints "run_example: FAILED"
# (a FAIL_REGULAR_EXPRESSION of the test) and exits non-zero.
if(NOT EXE OR NOT EXPECTED)
  message(FATAL_ERROR "run_example: FAILED: pass -DEXE=<program> -DEXPECTED=<file>")
endif()

execute_process(COMMAND ${EXE}
                OUTPUT_VARIABLE actual
                ERROR_VARIABLE errors
                RESULT_VARIABLE rc)

function(normalize text out_var)
  string(REGEX REPLACE "[ \t]+\n" "\n" text "${text}")
  string(REGEX REPLACE "[ \t]+$" "" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

file(READ ${EXPECTED} expected)
normalize("${actual}" actual_n)
normalize("${expected}" expected_n)

if(NOT rc STREQUAL "0")
  message("${actual}${errors}")
  message(FATAL_ERROR "run_example: FAILED: ${EXE} exited with ${rc}")
endif()
if(NOT actual_n STREQUAL expected_n)
  string(REPLACE "\n" "\n  | " shown "${actual}")
  string(REPLACE "\n" "\n  | " wanted "${expected}")
  message("Output:\n  | ${shown}\nExpected (${EXPECTED}):\n  | ${wanted}")
  message(FATAL_ERROR "run_example: FAILED: the output differs from ${EXPECTED}")
endif()
if(errors)
  message("${errors}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E echo_append "${actual}")
