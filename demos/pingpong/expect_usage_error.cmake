# expect_usage_error.cmake — passes if a program rejects its command line the way a command-line
# tool should: exit status 2, nothing on stdout, and a "usage:" line on stderr.
#
#   cmake -P expect_usage_error.cmake -- <program> [<arg>...]
cmake_minimum_required(VERSION 3.25)

set(command)
set(seen_dashes FALSE)
math(EXPR last_arg "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last_arg})
  if(seen_dashes)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(seen_dashes TRUE)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "expect_usage_error: no command (put it after --)")
endif()

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
