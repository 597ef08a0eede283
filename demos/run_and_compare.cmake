# run_and_compare.cmake — runs a program with a file on its stdin and checks that its stdout is
# exactly an expected file. The demo tests use it (coact_demo_test in demos/CMakeLists.txt).
#
#   cmake -DEXPECTED=<file> [-DINPUT=<file>] [-DACTUAL=<file>] [-DMASK=<regex>] \
#         -P run_and_compare.cmake -- <program> [<arg>...]
#
# MASK: every match of the regular expression in the output is replaced by "<masked>" before the
# comparison (for a timing that differs from run to run).
# INPUT defaults to /dev/null. The program's stdout is written to ACTUAL (default:
# <name of EXPECTED>.actual in the working directory), so that a changed output can be inspected, or accepted by copying it over
# EXPECTED. The script fails (exit status 1) if the program cannot be run, exits non-zero, or
# prints anything but EXPECTED, byte for byte: the message names the first differing line and
# shows `diff -u` when diff is installed. What the program writes to stderr is shown on failure
# and otherwise ignored. Limitation: an argument of the program must not contain ';'.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED EXPECTED)
  message(FATAL_ERROR "run_and_compare: -DEXPECTED=<file> is required")
endif()
if(NOT DEFINED INPUT)
  set(INPUT /dev/null)
endif()
if(NOT DEFINED ACTUAL)
  get_filename_component(expected_name "${EXPECTED}" NAME)
  set(ACTUAL "${CMAKE_CURRENT_BINARY_DIR}/${expected_name}.actual")  # the working directory
endif()

include(${CMAKE_CURRENT_LIST_DIR}/command_after_dashes.cmake)
coact_command_after_dashes(command run_and_compare)
string(REPLACE ";" " " shown_command "${command}")

execute_process(COMMAND ${command}
                INPUT_FILE "${INPUT}"
                OUTPUT_VARIABLE actual
                ERROR_VARIABLE errors
                RESULT_VARIABLE status)
if(DEFINED MASK AND NOT MASK STREQUAL "")
  string(REGEX REPLACE "${MASK}" "<masked>" actual "${actual}")
endif()
file(WRITE "${ACTUAL}" "${actual}")
if(NOT status EQUAL 0)
  message(NOTICE "run_and_compare: `${shown_command} < ${INPUT}` failed (${status}); "
                 "its stderr:\n${errors}")
  message(FATAL_ERROR "run_and_compare: the program failed (see above)")
endif()

file(READ "${EXPECTED}" expected)
if("${actual}" STREQUAL "${expected}")
  return()
endif()

# Find the first line that differs, walking both texts with string(FIND) (never as lists: a
# ';' or '[' in the output would be taken for list syntax).
set(rest_expected "${expected}")
set(rest_actual "${actual}")
set(line_number 1)
while(TRUE)
  string(FIND "${rest_expected}" "\n" end_expected)
  string(FIND "${rest_actual}" "\n" end_actual)
  string(SUBSTRING "${rest_expected}" 0 ${end_expected} line_expected)
  string(SUBSTRING "${rest_actual}" 0 ${end_actual} line_actual)
  if(NOT "${line_expected}" STREQUAL "${line_actual}" OR end_expected EQUAL -1
     OR end_actual EQUAL -1)
    break()
  endif()
  math(EXPR from_expected "${end_expected} + 1")
  math(EXPR from_actual "${end_actual} + 1")
  string(SUBSTRING "${rest_expected}" ${from_expected} -1 rest_expected)
  string(SUBSTRING "${rest_actual}" ${from_actual} -1 rest_actual)
  math(EXPR line_number "${line_number} + 1")
endwhile()
if("${line_expected}" STREQUAL "${line_actual}")
  set(where "line ${line_number} is the same, but one output ends there (or lacks the final newline)")
else()
  set(where "expected: ${line_expected}\n  actual:   ${line_actual}")
endif()

# Details as plain text (message(NOTICE) keeps the lines as they are), then the failure.
message(NOTICE
  "run_and_compare: the output of `${shown_command} < ${INPUT}` differs from ${EXPECTED}\n"
  "first difference, line ${line_number}:\n  ${where}\n"
  "the whole output is in ${ACTUAL}")
find_program(DIFF_PROGRAM diff)
if(DIFF_PROGRAM)
  execute_process(COMMAND "${DIFF_PROGRAM}" -u "${EXPECTED}" "${ACTUAL}" OUTPUT_VARIABLE changes)
  message(NOTICE "${changes}")
endif()
message(FATAL_ERROR "run_and_compare: unexpected output (see above)")
