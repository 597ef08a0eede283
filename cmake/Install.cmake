# Install rules: the coact library, its public headers, a CMake package (coactConfig.cmake,
# coactConfigVersion.cmake, coactTargets.cmake) and a pkg-config file, so that a user writes
#
#   find_package(coact CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE coact::coact)
#
# or `c++ $(pkg-config --cflags coact) app.cpp $(pkg-config --libs coact)`.
include(CMakePackageConfigHelpers)

set(COACT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/coact
    CACHE STRING "Where coactConfig.cmake is installed, relative to the prefix")
mark_as_advanced(COACT_INSTALL_CMAKEDIR)

install(TARGETS coact EXPORT coactTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# (The include directory is in coact's INSTALL_INTERFACE, set in runtime/CMakeLists.txt.)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")

install(EXPORT coactTargets
        NAMESPACE coact::
        DESTINATION ${COACT_INSTALL_CMAKEDIR})

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/coactConfig.cmake.in
  ${PROJECT_BINARY_DIR}/coactConfig.cmake
  INSTALL_DESTINATION ${COACT_INSTALL_CMAKEDIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/coactConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/coactConfig.cmake
              ${PROJECT_BINARY_DIR}/coactConfigVersion.cmake
        DESTINATION ${COACT_INSTALL_CMAKEDIR})

# coact.pc is relocatable: its prefix is found from the .pc file's own location (${pcfiledir}),
# so `cmake --install build --prefix anywhere` gives a working file.
set(COACT_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${COACT_PC_DIR}")
  set(COACT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH COACT_PC_UP /prefix/${COACT_PC_DIR} /prefix)
  string(REGEX REPLACE "/$" "" COACT_PC_UP "${COACT_PC_UP}")
  set(COACT_PC_PREFIX "\${pcfiledir}/${COACT_PC_UP}")
endif()
foreach(dir IN ITEMS INCLUDEDIR LIBDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(COACT_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(COACT_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/coact.pc.in ${PROJECT_BINARY_DIR}/coact.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/coact.pc DESTINATION ${COACT_PC_DIR})
