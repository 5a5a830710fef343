# Finds every external package pagoda builds against. Each lookup that fails
# stops configuration with one message naming the Debian package to install
# (scripts/install-deps.sh installs all of them).

# pagoda_require(<found-var> <what> <debian-package>)
function(pagoda_require found what package)
  if(NOT ${found})
    message(FATAL_ERROR
      "pagoda: ${what} not found. Install the Debian package '${package}' "
      "(scripts/install-deps.sh installs every dependency).")
  endif()
endfunction()

# LLVM/MLIR 22: the Debian packages install their CMake configs under
# /usr/lib/llvm-22; let a user-provided MLIR_DIR win.
list(APPEND CMAKE_PREFIX_PATH /usr/lib/llvm-22)
# (LLVM's version files accept only an exact major.minor, so check the major
# version by hand.)
find_package(MLIR CONFIG QUIET)
pagoda_require(MLIR_FOUND "MLIR 22 (MLIRConfig.cmake)" "libmlir-22-dev")
find_package(LLVM CONFIG QUIET HINTS ${MLIR_DIR}/../llvm)
pagoda_require(LLVM_FOUND "LLVM 22 (LLVMConfig.cmake)" "llvm-22-dev")
if(NOT LLVM_VERSION_MAJOR EQUAL 22)
  message(FATAL_ERROR "pagoda: needs LLVM/MLIR 22, found ${LLVM_PACKAGE_VERSION} at "
                      "${LLVM_DIR}. Install 'libmlir-22-dev llvm-22-dev' or set MLIR_DIR.")
endif()
message(STATUS "pagoda: using MLIR from ${MLIR_DIR} (LLVM ${LLVM_PACKAGE_VERSION})")

if(NOT EXISTS "${MLIR_TABLEGEN_EXE}" AND NOT TARGET mlir-tblgen)
  find_program(MLIR_TABLEGEN_EXE mlir-tblgen HINTS ${LLVM_TOOLS_BINARY_DIR})
endif()

find_package(fmt CONFIG QUIET)
pagoda_require(fmt_FOUND "fmt" "libfmt-dev")
find_package(CLI11 CONFIG QUIET)
pagoda_require(CLI11_FOUND "CLI11" "libcli11-dev")
find_package(nlohmann_json 3 CONFIG QUIET)
pagoda_require(nlohmann_json_FOUND "nlohmann_json" "nlohmann-json3-dev")
find_package(Protobuf QUIET)
pagoda_require(Protobuf_FOUND "protobuf" "libprotobuf-dev")
find_package(ONNX CONFIG QUIET)
pagoda_require(ONNX_FOUND "ONNX (ONNXConfig.cmake)" "libonnx-dev")
find_package(Threads REQUIRED)
find_package(GTest QUIET)
pagoda_require(GTest_FOUND "GoogleTest" "libgtest-dev")

# Test tools from LLVM 22 (lit, FileCheck, not, split-file).
find_program(PAGODA_LIT lit HINTS ${LLVM_TOOLS_BINARY_DIR} NO_DEFAULT_PATH)
if(NOT PAGODA_LIT)
  find_program(PAGODA_LIT NAMES lit llvm-lit lit.py)
endif()
pagoda_require(PAGODA_LIT "lit" "llvm-22-tools")
find_program(PAGODA_FILECHECK FileCheck HINTS ${LLVM_TOOLS_BINARY_DIR} NO_DEFAULT_PATH)
pagoda_require(PAGODA_FILECHECK "FileCheck" "llvm-22-tools")

find_package(Python3 COMPONENTS Interpreter QUIET)
pagoda_require(Python3_FOUND "python3" "python3")

list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)
# HandleLLVMOptions matches LLVM's build: -fno-exceptions, visibility and
# flags; targets that need exceptions opt back in (pagoda_enable_exceptions).
include(HandleLLVMOptions)

include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
link_directories(${LLVM_BUILD_LIBRARY_DIR})
separate_arguments(PAGODA_LLVM_DEFINITIONS NATIVE_COMMAND "${LLVM_DEFINITIONS}")
add_definitions(${PAGODA_LLVM_DEFINITIONS})
