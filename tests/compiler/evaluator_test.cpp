// The evaluator of the compiler demo: int64 arithmetic, checked, from coroutine visit methods.
#include "evaluator.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include <coact/coroutine.hpp>

#include "ast.hpp"
#include "error.hpp"
#include "parser.hpp"
#include "trampoline.hpp"

namespace {

std::int64_t eval(std::string_view text) { return compiler::evaluate(*compiler::parse(text)); }

std::size_t error_column(std::string_view text) {
    try {
        eval(text);
    } catch (const compiler::arithmetic_error& e) {
        return e.column();
    }
    return 0;
}

// The example of trampoline.hpp's header comment.
coact::coroutine<int, long, long> factorial(int n) {
    if (n <= 1) co_return 1;
    co_return n**(co_yield n - 1);
}

}  // namespace

TEST_CASE("precedence and associativity give the usual values", "[compiler][evaluator]") {
    CHECK(eval("1-2-3") == -4);
    CHECK(eval("2+3*4") == 14);
    CHECK(eval("(2+3)*4") == 20);
    CHECK(eval("100/10/5") == 2);
    CHECK(eval("2 + 3 * (4 - 1) - -7 / 2") == 14);
}

TEST_CASE("'/' is integer division truncating toward zero", "[compiler][evaluator]") {
    CHECK(eval("7/2") == 3);
    CHECK(eval("-7/2") == -3);
    CHECK(eval("7/-2") == -3);
    CHECK(eval("-7/-2") == 3);
    CHECK(eval("1/3") == 0);
}

TEST_CASE("unary minus negates, any number of times", "[compiler][evaluator]") {
    CHECK(eval("-5") == -5);
    CHECK(eval("--5") == 5);
    CHECK(eval("---5") == -5);
    CHECK(eval("-(2-7)") == 5);
}

TEST_CASE("the extremes of int64 are reachable", "[compiler][evaluator]") {
    CHECK(eval("9223372036854775807") == INT64_MAX);
    CHECK(eval("-9223372036854775807 - 1") == INT64_MIN);
    CHECK(eval("(-9223372036854775807 - 1) / 1") == INT64_MIN);
}

TEST_CASE("division by zero is an error at the column of the '/'", "[compiler][evaluator]") {
    CHECK_THROWS_WITH(eval("(1+5) / (2-2)"),
                      "arithmetic error at column 7: division by zero (6 / 0)");
    CHECK(error_column("1 + 1/0") == 6);
    CHECK(error_column("0/0") == 2);
}

TEST_CASE("a result outside int64 is an error at the column of its operator",
          "[compiler][evaluator]") {
    CHECK_THROWS_WITH(
        eval("9223372036854775807 + 1"),
        "arithmetic error at column 21: 9223372036854775807 + 1 does not fit in int64");
    CHECK(error_column("-9223372036854775807 - 2") == 22);
    CHECK(error_column("1 + 4294967296 * 4294967296") == 16);
    CHECK_THROWS_WITH(eval("(-9223372036854775807-1) / -1"),
                      "arithmetic error at column 26: -9223372036854775808 / -1 does not fit in "
                      "int64");
    CHECK_THROWS_WITH(
        eval("1 + -(-9223372036854775807-1)"),
        "arithmetic error at column 5: -(-9223372036854775808) does not fit in int64");
}

TEST_CASE("the first error in evaluation order is the one reported", "[compiler][evaluator]") {
    CHECK(error_column("(1/0) + (9223372036854775807*2)") == 3);
    CHECK(error_column("(9223372036854775807*2) + (1/0)") == 21);
}

TEST_CASE("a visitor sees each child's value sent back from the trampoline",
          "[compiler][evaluator]") {
    CHECK(compiler::trampoline(factorial(20), [](int n) { return factorial(n); }) ==
          2432902008176640000L);
    CHECK(compiler::trampoline(factorial(1), [](int n) { return factorial(n); }) == 1);
}
