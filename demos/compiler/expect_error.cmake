# expect_error.cmake — passes if the compiler demo rejects an expression the way it should: the
# expected exit status, nothing on stdout, and exactly the expected line on stderr.
#
#   cmake -DSTATUS=<n> -DMESSAGE=<line> [-DINPUT=<file>] -P expect_error.cmake -- <program> [<arg>...]
#
# INPUT (default /dev/null) is the program's stdin; MESSAGE is compared without its final newline.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED STATUS OR NOT DEFINED MESSAGE)
  message(FATAL_ERROR "expect_error: -DSTATUS=<n> and -DMESSAGE=<line> are required")
endif()
if(NOT DEFINED INPUT)
  set(INPUT /dev/null)
endif()

include(${CMAKE_CURRENT_LIST_DIR}/../command_after_dashes.cmake)
coact_command_after_dashes(command expect_error)

execute_process(COMMAND ${command}
                INPUT_FILE "${INPUT}"
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                RESULT_VARIABLE status)
string(REPLACE ";" " " shown "${command}")
if(NOT status STREQUAL STATUS OR NOT out STREQUAL "" OR NOT err STREQUAL "${MESSAGE}\n")
  message(FATAL_ERROR "expect_error: `${shown} < ${INPUT}` exited with ${status} "
                      "(expected ${STATUS})\nstdout:\n${out}\n"
                      "stderr:\n${err}\nexpected stderr:\n${MESSAGE}\n")
endif()
message(STATUS "`${shown}` -> ${status}: ${err}")
