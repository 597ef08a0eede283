// tokenizer.hpp — the lexer of Beazley's expression compiler, as a coact::generator of tokens.
//
// tokenize(text) yields the integers, operators and parentheses of `text` in order, each with its
// 1-based column, and then one end token (column: one past the last character). Whitespace,
// newlines included, separates tokens and is skipped. A character that is none of these, or an
// integer literal that does not fit in int64, makes the generator throw syntax_error out of the
// ++ (or begin()) that reached it.
//
//   for (const compiler::token& t : compiler::tokenize("12 * (3+4)")) {
//       std::cout << compiler::describe(t) << " at column " << t.column << '\n';
//   }
//   // the number 12 at column 1, '*' at column 4, '(' at column 6, ..., the end of the input
//
// Lifetime: the generator reads `text` lazily, so the characters must outlive it. One thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <coact/generator.hpp>

#include "error.hpp"

namespace compiler {

enum class token_kind { number, plus, minus, times, divide, open, close, end };

struct token {
    token_kind kind = token_kind::end;
    std::size_t column = 0;  // 1-based
    std::int64_t value = 0;  // the literal's value, for a number

    friend bool operator==(const token&, const token&) = default;
};

/// How an error message shows a token: "the number 12", "'*'", "the end of the input".
inline std::string describe(const token& t) {
    switch (t.kind) {
        case token_kind::number:
            return "the number " + std::to_string(t.value);
        case token_kind::plus:
            return "'+'";
        case token_kind::minus:
            return "'-'";
        case token_kind::times:
            return "'*'";
        case token_kind::divide:
            return "'/'";
        case token_kind::open:
            return "'('";
        case token_kind::close:
            return "')'";
        case token_kind::end:
            break;
    }
    return "the end of the input";
}

namespace detail {

inline bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

inline std::string show_character(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) return std::string("character '") + c + "'";
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[byte >> 4] + hex[byte & 0xf];
}

/// The literal `digits` (all decimal digits) as an int64, or a syntax error at `column`.
inline std::int64_t parse_literal(std::string_view digits, std::size_t column) {
    std::int64_t value = 0;
    for (char c : digits) {
        if (__builtin_mul_overflow(value, 10, &value) ||
            __builtin_add_overflow(value, c - '0', &value)) {
            constexpr std::size_t shown = 24;
            const std::string literal = digits.size() <= shown
                                            ? std::string(digits)
                                            : std::string(digits.substr(0, shown)) + "...";
            throw syntax_error(column, "the integer " + literal +
                                           " is too big (the largest is 9223372036854775807)");
        }
    }
    return value;
}

}  // namespace detail

inline coact::generator<token> tokenize(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        const std::size_t column = i + 1;
        if (detail::is_space(c)) {
            ++i;
            continue;
        }
        if (detail::is_digit(c)) {
            std::size_t end = i;
            while (end < text.size() && detail::is_digit(text[end])) ++end;
            const std::int64_t value = detail::parse_literal(text.substr(i, end - i), column);
            i = end;
            const token number{token_kind::number, column, value};
            co_yield number;
            continue;
        }
        token_kind kind = token_kind::end;
        switch (c) {
            case '+':
                kind = token_kind::plus;
                break;
            case '-':
                kind = token_kind::minus;
                break;
            case '*':
                kind = token_kind::times;
                break;
            case '/':
                kind = token_kind::divide;
                break;
            case '(':
                kind = token_kind::open;
                break;
            case ')':
                kind = token_kind::close;
                break;
            default:
                throw syntax_error(column, "unexpected " + detail::show_character(c));
        }
        ++i;
        const token op{kind, column, 0};
        co_yield op;
    }
    const token end{token_kind::end, text.size() + 1, 0};
    co_yield end;
}

}  // namespace compiler
