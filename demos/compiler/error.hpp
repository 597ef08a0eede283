// error.hpp — the two ways an expression can be wrong, each naming the column at fault.
//
// syntax_error comes from the tokenizer or the parser, arithmetic_error from the evaluator
// (division by zero, int64 overflow). what() is the whole message, ready to print after the
// program's name:
//
//   try {
//       std::int64_t v = compiler::evaluate(*compiler::parse("1/0"));
//   } catch (const compiler::error& e) {
//       std::cerr << "compiler: " << e.what() << '\n';  // arithmetic error at column 2: ...
//   }
//
// Columns are 1-based byte positions in the whole input (a newline counts as one column).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace compiler {

class error : public std::runtime_error {
  public:
    error(const std::string& kind, std::size_t column, const std::string& detail)
        : std::runtime_error(kind + " at column " + std::to_string(column) + ": " + detail),
          column_(column) {}

    [[nodiscard]] std::size_t column() const noexcept { return column_; }

  private:
    std::size_t column_;
};

class syntax_error : public error {
  public:
    syntax_error(std::size_t column, const std::string& detail)
        : error("syntax error", column, detail) {}
};

class arithmetic_error : public error {
  public:
    arithmetic_error(std::size_t column, const std::string& detail)
        : error("arithmetic error", column, detail) {}
};

}  // namespace compiler
