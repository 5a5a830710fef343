# Warning, sanitizer and compiler-cache settings for pagoda's own targets.

find_program(PAGODA_CCACHE ccache)
if(PAGODA_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_C_COMPILER_LAUNCHER ${PAGODA_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${PAGODA_CCACHE})
  message(STATUS "pagoda: using ccache (${PAGODA_CCACHE})")
endif()

set(PAGODA_WARNING_FLAGS -Wall -Wextra -Wno-unused-parameter)
if(PAGODA_WERROR)
  list(APPEND PAGODA_WARNING_FLAGS -Werror)
endif()

if(PAGODA_SANITIZE)
  string(REPLACE "," ";" _pagoda_sans "${PAGODA_SANITIZE}")
  foreach(_san IN LISTS _pagoda_sans)
    if(NOT _san MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "pagoda: PAGODA_SANITIZE: unknown sanitizer '${_san}' "
                          "(expected address, undefined or thread)")
    endif()
  endforeach()
  list(JOIN _pagoda_sans "," _pagoda_san_flag)
  add_compile_options(-fsanitize=${_pagoda_san_flag} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_pagoda_san_flag})
  message(STATUS "pagoda: sanitizers ${_pagoda_san_flag}")
endif()

option(PAGODA_FUZZ "Build the libFuzzer targets (needs clang); instruments everything" OFF)
if(PAGODA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "pagoda: PAGODA_FUZZ needs clang (e.g. CXX=clang++-22, package clang-22 "
                        "and libclang-rt-22-dev)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# pagoda_add_warnings(<target>): warnings-as-errors for a pagoda target (not
# for generated or third-party code built elsewhere).
function(pagoda_add_warnings target)
  target_compile_options(${target} PRIVATE ${PAGODA_WARNING_FLAGS})
endfunction()

# pagoda_enable_exceptions(<target>): LLVM's options build everything with
# -fno-exceptions; CLI11 and nlohmann_json throw, so the targets that use them
# turn exceptions back on and catch everything before it reaches other code.
function(pagoda_enable_exceptions target)
  target_compile_options(${target} PRIVATE -fexceptions)
endfunction()
