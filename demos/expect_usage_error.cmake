# expect_usage_error.cmake — passes if a program rejects its command line the way a command-line
# tool should: exit status 2, nothing on stdout, and a "usage:" line on stderr.
#
#   cmake -P expect_usage_error.cmake -- <program> [<arg>...]
cmake_minimum_required(VERSION 3.25)

include(${CMAKE_CURRENT_LIST_DIR}/command_after_dashes.cmake)
coact_command_after_dashes(command expect_usage_error)

execute_process(COMMAND ${command}
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                RESULT_VARIABLE status)
string(REPLACE ";" " " shown "${command}")
if(NOT status EQUAL 2 OR NOT out STREQUAL "" OR NOT err MATCHES "usage:")
  message(FATAL_ERROR "expect_usage_error: `${shown}` exited with ${status} (expected 2)\n"
                      "stdout:\n${out}\nstderr:\n${err}")
endif()
message(STATUS "`${shown}` -> ${status}: ${err}")
