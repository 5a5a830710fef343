//===- Result.h - A value or a list of error messages -----------*- C++ -*-===//
//
// The error type of pagoda's libraries that do not link LLVM (target
// descriptions, and later the runtime and simulator): a value, or one or more
// human-readable messages, each naming where the problem is. The compiler side
// uses LLVM's diagnostics instead.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_SUPPORT_RESULT_H
#define PAGODA_SUPPORT_RESULT_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pagoda {

/// A failure: one message per problem found, in the order found.
struct Error {
  std::vector<std::string> messages;

  Error() = default;
  explicit Error(std::string message) { messages.push_back(std::move(message)); }
  explicit Error(std::vector<std::string> all) : messages(std::move(all)) {}

  /// All messages joined by newlines.
  std::string str() const {
    std::string out;
    for (const std::string &m : messages) {
      if (!out.empty())
        out += '\n';
      out += m;
    }
    return out;
  }
};

/// Either a T or an Error. Unlike llvm::Expected it need not be checked, so
/// it can cross into code built without LLVM.
template <typename T> class Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  T &value() {
    assert(ok() && "value() of a failed Result");
    return *value_;
  }
  const T &value() const {
    assert(ok() && "value() of a failed Result");
    return *value_;
  }
  T &operator*() { return value(); }
  const T &operator*() const { return value(); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }

  const Error &error() const {
    assert(!ok() && "error() of a successful Result");
    return error_;
  }

private:
  std::optional<T> value_;
  Error error_;
};

} // namespace pagoda

#endif // PAGODA_SUPPORT_RESULT_H
