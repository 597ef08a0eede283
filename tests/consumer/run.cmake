# Drives the CTest test `consumer.find_package` (registered by cmake/ConsumerTest.cmake):
#   1. installs the already built coact into a fresh prefix inside the build tree;
#   2. configures and builds tests/consumer against it with find_package(coact CONFIG), using
#      the outer build's compiler, CMAKE_CXX_FLAGS and CMAKE_EXE_LINKER_FLAGS (so sanitizer
#      builds link), and checks that the package was found in that prefix and nowhere else;
#   3. runs the consumer and checks its output;
#   4. compiles and runs the same main.cpp with the flags of `pkg-config coact`.
#
#   cmake -DPARAMS=<build>/consumer-test/params.cmake -DCONFIG=<config> -P run.cmake
cmake_minimum_required(VERSION 3.25)

if(NOT PARAMS OR NOT EXISTS "${PARAMS}")
  message(FATAL_ERROR "run.cmake: pass -DPARAMS=<file written by cmake/ConsumerTest.cmake>")
endif()
include("${PARAMS}")
if(NOT CONFIG)
  set(CONFIG "${COACT_BUILD_TYPE}")
endif()
string(TOUPPER "${CONFIG}" config_upper)
set(COACT_CXX_FLAGS_CONFIG "${COACT_CXX_FLAGS_${config_upper}}")

set(work "${COACT_WORK_DIR}")
set(prefix "${work}/prefix")
set(build "${work}/build")
set(expected "coact consumer: ok")
file(REMOVE_RECURSE "${prefix}" "${build}" "${work}/consumer-pc")

macro(step title)
  message(STATUS "---- ${title}")
endmacro()

# Runs the consumer binary given as argument and checks its exit code and output.
function(check_consumer exe)
  execute_process(COMMAND "${exe}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${exe}: exit ${rc}\n${out}${err}")
  if(NOT rc EQUAL 0 OR NOT out MATCHES "${expected}")
    message(FATAL_ERROR "consumer ${exe} failed (exit ${rc}), expected output '${expected}'")
  endif()
endfunction()

step("install coact into ${prefix}")
set(config_arg)
if(CONFIG)
  set(config_arg --config "${CONFIG}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" --install "${COACT_BUILD_DIR}" --prefix "${prefix}" ${config_arg}
  COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)

step("configure and build tests/consumer with find_package(coact)")
set(configure_args
  -S "${COACT_CONSUMER_SOURCE}" -B "${build}"
  -G "${COACT_GENERATOR}"
  "-DCMAKE_CXX_COMPILER=${COACT_CXX_COMPILER}"
  "-DCMAKE_CXX_FLAGS=${COACT_CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${COACT_EXE_LINKER_FLAGS}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(COACT_MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${COACT_MAKE_PROGRAM}")
endif()
if(CONFIG)
  list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" ${configure_args}
                COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)

# The package must come from the fresh prefix, not from a system-wide or stale install.
file(STRINGS "${build}/CMakeCache.txt" coact_dir_line REGEX "^coact_DIR:")
string(REGEX REPLACE "^coact_DIR:[A-Z]+=" "" coact_dir "${coact_dir_line}")
file(REAL_PATH "${coact_dir}" coact_dir)
file(REAL_PATH "${prefix}" real_prefix)
string(FIND "${coact_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "find_package(coact) used '${coact_dir}', not the fresh prefix '${prefix}'")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}" ${config_arg}
                COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)

step("run the find_package consumer")
if(EXISTS "${build}/consumer")
  check_consumer("${build}/consumer")
elseif(CONFIG AND EXISTS "${build}/${CONFIG}/consumer")
  check_consumer("${build}/${CONFIG}/consumer")
else()
  message(FATAL_ERROR "no consumer executable in ${build}")
endif()

if(COACT_HAS_CLUSTER)
  step("run the cluster consumer (find_package(coact COMPONENTS cluster))")
  set(expected "coact consumer cluster: ok")
  if(EXISTS "${build}/consumer_cluster")
    check_consumer("${build}/consumer_cluster")
  elseif(CONFIG AND EXISTS "${build}/${CONFIG}/consumer_cluster")
    check_consumer("${build}/${CONFIG}/consumer_cluster")
  else()
    message(FATAL_ERROR "coact was built with coact::cluster, but the installed package gave no "
                        "consumer_cluster in ${build}")
  endif()
  set(expected "coact consumer: ok")
endif()

step("build and run the consumer with pkg-config coact")
if(NOT COACT_PKG_CONFIG OR NOT EXISTS "${COACT_PKG_CONFIG}")
  message(FATAL_ERROR "pkg-config not found (install it with scripts/install-deps.sh)")
endif()
set(ENV{PKG_CONFIG_PATH} "${prefix}/${COACT_INSTALL_LIBDIR}/pkgconfig")
function(pkg_config out)
  execute_process(COMMAND "${COACT_PKG_CONFIG}" ${ARGN} coact
                  OUTPUT_VARIABLE value OUTPUT_STRIP_TRAILING_WHITESPACE
                  COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)
  set(${out} "${value}" PARENT_SCOPE)
endfunction()
pkg_config(pc_all --cflags --libs)
message(STATUS "pkg-config --cflags --libs coact: ${pc_all}")
foreach(flag IN ITEMS "-std=c++20" "-I${prefix}/" "-lcoact" "-pthread")
  string(FIND "${pc_all}" "${flag}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "pkg-config --cflags --libs coact lacks '${flag}'")
  endif()
endforeach()
# Separately, so that the libraries come after the source file on the command line.
pkg_config(pc_cflags --cflags)
pkg_config(pc_libs --libs)

separate_arguments(cxx_flags UNIX_COMMAND "${COACT_CXX_FLAGS} ${COACT_CXX_FLAGS_CONFIG}")
separate_arguments(ld_flags UNIX_COMMAND "${COACT_EXE_LINKER_FLAGS}")
separate_arguments(pc_cflags UNIX_COMMAND "${pc_cflags}")
separate_arguments(pc_libs UNIX_COMMAND "${pc_libs}")
execute_process(
  COMMAND "${COACT_CXX_COMPILER}" ${cxx_flags} -Wall -Wextra -Wpedantic -Werror ${pc_cflags}
          "${COACT_CONSUMER_SOURCE}/main.cpp" -o "${work}/consumer-pc" ${ld_flags} ${pc_libs}
  COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)
check_consumer("${work}/consumer-pc")

message(STATUS "consumer.find_package: installed package works with find_package and pkg-config")
