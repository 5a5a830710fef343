# Installation: the runtime library and headers as a CMake package
# (find_package(Pagoda) -> Pagoda::runtime) and a pkg-config file, plus the
# pagoda driver.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS pagoda_runtime EXPORT PagodaTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${PAGODA_SOURCE_DIR}/include/pagoda/pagoda_runtime.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/pagoda)
install(FILES ${PAGODA_SOURCE_DIR}/include/pagoda/Runtime/pagoda_runtime.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/pagoda/Runtime)
install(TARGETS pagoda RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT PagodaTargets NAMESPACE Pagoda::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Pagoda)
configure_package_config_file(${PAGODA_SOURCE_DIR}/cmake/package/PagodaConfig.cmake.in
  ${PAGODA_BINARY_DIR}/PagodaConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Pagoda)
write_basic_package_version_file(${PAGODA_BINARY_DIR}/PagodaConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PAGODA_BINARY_DIR}/PagodaConfig.cmake ${PAGODA_BINARY_DIR}/PagodaConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Pagoda)
# pkg-config: the prefix is substituted at install time.
install(CODE "
  set(CMAKE_INSTALL_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(CMAKE_INSTALL_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(CMAKE_INSTALL_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(PROJECT_VERSION \"${PROJECT_VERSION}\")
  configure_file(\"${PAGODA_SOURCE_DIR}/cmake/package/pagoda.pc.in\"
                 \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/pagoda.pc\" @ONLY)
")
