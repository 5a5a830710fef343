# How pagoda's MLIR-based targets link MLIR. With PAGODA_MLIR_DYLIB (default,
# chosen by measurement in docs/development.md) every MLIR dependency becomes
# the one shared libMLIR.so; otherwise the named static libraries are linked.
# All pagoda MLIR libraries must go through this function so that a process
# never holds two copies of MLIR's global registries.

# pagoda_link_mlir(<target> <PUBLIC|PRIVATE|INTERFACE> <MLIR libs>...)
function(pagoda_link_mlir target scope)
  if(PAGODA_MLIR_DYLIB)
    target_link_libraries(${target} ${scope} MLIR)
  else()
    target_link_libraries(${target} ${scope} ${ARGN})
  endif()
endfunction()

# pagoda_add_mlir_library(<name> SOURCES... [DEPENDS tblgen-targets...]
#                         [MLIR_LIBS libs...] [LINK_LIBS pagoda-libs...])
function(pagoda_add_mlir_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;MLIR_LIBS;LINK_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  pagoda_link_mlir(${name} PUBLIC ${ARG_MLIR_LIBS})
  if(ARG_LINK_LIBS)
    target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS})
  endif()
  target_link_libraries(${name} PUBLIC LLVM)
  pagoda_add_warnings(${name})
endfunction()
