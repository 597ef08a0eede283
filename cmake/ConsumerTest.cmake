# Registers the CTest test `consumer.find_package`: tests/consumer/run.cmake installs this build
# into a fresh prefix under ${PROJECT_BINARY_DIR}/consumer-test and builds an out-of-tree program
# against it, with find_package(coact) and with pkg-config.
#
# It installs what is already built, so run it after the build, as the workflow presets and the
# Makefile do (`cmake --build` then `ctest`).
find_program(COACT_PKG_CONFIG NAMES pkgconf pkg-config)
mark_as_advanced(COACT_PKG_CONFIG)

set(COACT_CONSUMER_WORK_DIR ${PROJECT_BINARY_DIR}/consumer-test)

# The outer build's settings, written to a file so that no flag is re-quoted on a command line.
set(_coact_params "")
# CMAKE_X is written as COACT_X.
foreach(var IN ITEMS
    CMAKE_GENERATOR CMAKE_MAKE_PROGRAM CMAKE_CXX_COMPILER CMAKE_BUILD_TYPE CMAKE_INSTALL_LIBDIR
    CMAKE_CXX_FLAGS CMAKE_CXX_FLAGS_DEBUG CMAKE_CXX_FLAGS_RELEASE CMAKE_CXX_FLAGS_RELWITHDEBINFO
    CMAKE_CXX_FLAGS_MINSIZEREL CMAKE_EXE_LINKER_FLAGS)
  string(REGEX REPLACE "^CMAKE_" "COACT_" name "${var}")
  string(APPEND _coact_params "set(${name} [==[${${var}}]==])\n")
endforeach()
string(APPEND _coact_params
  "set(COACT_BUILD_DIR [==[${PROJECT_BINARY_DIR}]==])\n"
  "set(COACT_CONSUMER_SOURCE [==[${PROJECT_SOURCE_DIR}/tests/consumer]==])\n"
  "set(COACT_WORK_DIR [==[${COACT_CONSUMER_WORK_DIR}]==])\n"
  "set(COACT_PKG_CONFIG [==[${COACT_PKG_CONFIG}]==])\n"
  "set(COACT_HAS_CLUSTER [==[${COACT_HAS_CLUSTER}]==])\n")
file(WRITE ${COACT_CONSUMER_WORK_DIR}/params.cmake "${_coact_params}")
unset(_coact_params)

add_test(NAME consumer.find_package
         COMMAND ${CMAKE_COMMAND}
                 -DPARAMS=${COACT_CONSUMER_WORK_DIR}/params.cmake
                 -DCONFIG=$<CONFIG>
                 -P ${PROJECT_SOURCE_DIR}/tests/consumer/run.cmake)
set_tests_properties(consumer.find_package PROPERTIES
                     LABELS "consumer;install"
                     TIMEOUT 300)
