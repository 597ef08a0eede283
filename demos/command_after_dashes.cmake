# command_after_dashes.cmake — for the demo test scripts run as `cmake [-D...] -P <script> --
# <program> [<arg>...]`: include() it, then call
#
#   coact_command_after_dashes(command <script name>)
#
# which sets `command` to the list of everything after "--", or stops with an error naming the
# script if there is nothing there. A macro, so that it sees CMAKE_ARGC and CMAKE_ARGV<n>.
macro(coact_command_after_dashes out script)
  set(${out})
  set(_coact_seen_dashes FALSE)
  math(EXPR _coact_last_arg "${CMAKE_ARGC} - 1")
  foreach(_coact_i RANGE ${_coact_last_arg})
    if(_coact_seen_dashes)
      list(APPEND ${out} "${CMAKE_ARGV${_coact_i}}")
    elseif(CMAKE_ARGV${_coact_i} STREQUAL "--")
      set(_coact_seen_dashes TRUE)
    endif()
  endforeach()
  if(NOT ${out})
    message(FATAL_ERROR "${script}: no command (put it after --)")
  endif()
endmacro()
