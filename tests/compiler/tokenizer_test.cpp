// The tokenizer of the compiler demo: a coact::generator of tokens with 1-based columns.
#include "tokenizer.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "error.hpp"

namespace Catch {
template <>
struct StringMaker<compiler::token> {
    static std::string convert(const compiler::token& t) {
        return compiler::describe(t) + " at column " + std::to_string(t.column);
    }
};
}  // namespace Catch

namespace {

using compiler::token;
using compiler::token_kind;

std::vector<token> all_tokens(std::string_view text) {
    std::vector<token> out;
    for (const token& t : compiler::tokenize(text)) out.push_back(t);
    return out;
}

std::size_t error_column(std::string_view text) {
    try {
        all_tokens(text);
    } catch (const compiler::syntax_error& e) {
        return e.column();
    }
    return 0;
}

}  // namespace

TEST_CASE("the tokenizer yields each token with its 1-based column, then the end",
          "[compiler][tokenizer]") {
    const std::vector<token> expected{
        {token_kind::number, 1, 12}, {token_kind::times, 4, 0},  {token_kind::open, 6, 0},
        {token_kind::number, 7, 3},  {token_kind::plus, 8, 0},   {token_kind::minus, 10, 0},
        {token_kind::number, 11, 4}, {token_kind::close, 12, 0}, {token_kind::divide, 13, 0},
        {token_kind::number, 14, 0}, {token_kind::end, 15, 0}};
    CHECK(all_tokens("12 * (3+ -4)/0") == expected);
}

TEST_CASE("newlines and tabs are whitespace and still count as one column each",
          "[compiler][tokenizer]") {
    const std::vector<token> expected{{token_kind::number, 3, 1},
                                      {token_kind::plus, 5, 0},
                                      {token_kind::number, 8, 2},
                                      {token_kind::end, 10, 0}};
    CHECK(all_tokens("\n\t1\n+\r\n2\n") == expected);
}

TEST_CASE("an empty input is just the end token at column 1", "[compiler][tokenizer]") {
    const std::vector<token> expected{{token_kind::end, 1, 0}};
    CHECK(all_tokens("") == expected);
}

TEST_CASE("the largest int64 is a valid literal, one more is a syntax error at its first digit",
          "[compiler][tokenizer]") {
    const std::vector<token> expected{{token_kind::number, 2, INT64_MAX}, {token_kind::end, 21, 0}};
    CHECK(all_tokens(" 9223372036854775807") == expected);
    CHECK(error_column("1 + 9223372036854775808") == 5);
    CHECK_THROWS_WITH(all_tokens("1 + 9223372036854775808"),
                      "syntax error at column 5: the integer 9223372036854775808 is too big (the "
                      "largest is 9223372036854775807)");
}

TEST_CASE("a very long literal is shortened in the message", "[compiler][tokenizer]") {
    const std::string digits(1000, '7');
    CHECK_THROWS_WITH(all_tokens(digits),
                      "syntax error at column 1: the integer 777777777777777777777777... is too "
                      "big (the largest is 9223372036854775807)");
}

TEST_CASE("a character that is not part of an expression is a syntax error at its column",
          "[compiler][tokenizer]") {
    CHECK(error_column("1 + x") == 5);
    CHECK_THROWS_WITH(all_tokens("1 + x"), "syntax error at column 5: unexpected character 'x'");
    CHECK_THROWS_WITH(all_tokens("1.5"), "syntax error at column 2: unexpected character '.'");
    CHECK_THROWS_WITH(all_tokens("2\x01"), "syntax error at column 2: unexpected byte 0x01");
}

TEST_CASE("the tokenizer is lazy: a bad character is reported only when iteration reaches it",
          "[compiler][tokenizer]") {
    auto tokens = compiler::tokenize("1 + $");
    auto it = tokens.begin();
    CHECK(it->kind == token_kind::number);
    ++it;
    CHECK(it->kind == token_kind::plus);
    CHECK_THROWS_AS(++it, compiler::syntax_error);
}

TEST_CASE("describe() names a token the way error messages show it", "[compiler][tokenizer]") {
    CHECK(compiler::describe({token_kind::number, 1, -5}) == "the number -5");
    CHECK(compiler::describe({token_kind::close, 1, 0}) == "')'");
    CHECK(compiler::describe({token_kind::end, 1, 0}) == "the end of the input");
}
