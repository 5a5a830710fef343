//===- SharedLibrary.cpp - libpagoda_runtime.so ---------------------------===//
//
// The shared library is the static runtime linked whole (so every C API
// entry point is exported); this file only gives the target a source.
//
//===----------------------------------------------------------------------===//

#include "pagoda/pagoda_runtime.h"
