// parser.hpp — a recursive-descent parser whose recursion never touches the native stack.
//
// The grammar, one coroutine per rule:
//
//   expr   := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := INT | '(' expr ')' | '-' factor
//
// Where Beazley's parser calls term() or factor(), a rule here co_yields the rule it needs
// (rule::term) and trampoline() (trampoline.hpp) starts that rule's coroutine on its heap stack;
// the finished sub-tree comes back as the value of the co_yield. So "((((1))))" a million levels
// deep parses with three million suspended coroutines on the heap and a flat native stack.
//
//   compiler::node_ptr tree = compiler::parse("2 + 3 * 4");   // (+ 2 (* 3 4))
//
// parse() throws syntax_error (error.hpp) naming the column of the first token it cannot use.
// One thread; `text` is only read during the call.
#pragma once

#include <string>
#include <string_view>

#include <coact/coroutine.hpp>
#include <coact/generator.hpp>

#include "ast.hpp"
#include "error.hpp"
#include "tokenizer.hpp"
#include "trampoline.hpp"

namespace compiler {

/// tokenize(text) with one token of lookahead. After the end token it stays at the end.
class token_stream {
  public:
    explicit token_stream(std::string_view text)
        : tokens_(tokenize(text)), next_(tokens_.begin()) {}

    [[nodiscard]] const token& peek() const { return *next_; }

    token take() {
        const token t = *next_;
        if (t.kind != token_kind::end) ++next_;
        return t;
    }

  private:
    coact::generator<token> tokens_;
    coact::generator<token>::iterator next_;
};

/// What a rule asks the driver to parse next, at the current token.
enum class rule { expr, term, factor };

/// A grammar rule: yields the sub-rules it needs, receives their trees, returns its own.
using rule_coroutine = coact::coroutine<rule, node_ptr, node_ptr>;

namespace detail {

inline char symbol(token_kind kind) noexcept {
    switch (kind) {
        case token_kind::plus:
            return '+';
        case token_kind::minus:
            return '-';
        case token_kind::times:
            return '*';
        case token_kind::divide:
            return '/';
        default:
            return '?';
    }
}

inline bool is_one_of(const token& t, token_kind a, token_kind b) noexcept {
    return t.kind == a || t.kind == b;
}

}  // namespace detail

// expr := term (('+' | '-') term)*  — a loop, so left-associative: 1-2-3 is (1-2)-3.
inline rule_coroutine parse_expr(token_stream& tokens) {
    node_ptr left = *(co_yield rule::term);
    while (detail::is_one_of(tokens.peek(), token_kind::plus, token_kind::minus)) {
        const token op = tokens.take();
        node_ptr right = *(co_yield rule::term);
        left = make_binary(detail::symbol(op.kind), op.column, std::move(left), std::move(right));
    }
    co_return left;
}

// term := factor (('*' | '/') factor)*
inline rule_coroutine parse_term(token_stream& tokens) {
    node_ptr left = *(co_yield rule::factor);
    while (detail::is_one_of(tokens.peek(), token_kind::times, token_kind::divide)) {
        const token op = tokens.take();
        node_ptr right = *(co_yield rule::factor);
        left = make_binary(detail::symbol(op.kind), op.column, std::move(left), std::move(right));
    }
    co_return left;
}

// factor := INT | '(' expr ')' | '-' factor
inline rule_coroutine parse_factor(token_stream& tokens) {
    const token first = tokens.take();
    if (first.kind == token_kind::number) co_return make_number(first.value, first.column);
    if (first.kind == token_kind::minus) {
        node_ptr operand = *(co_yield rule::factor);
        co_return make_negate(first.column, std::move(operand));
    }
    if (first.kind != token_kind::open) {
        throw syntax_error(first.column, "expected a number or '(' but found " + describe(first));
    }
    node_ptr inside = *(co_yield rule::expr);
    const token close = tokens.take();
    if (close.kind != token_kind::close) {
        throw syntax_error(close.column, "expected ')' to close the '(' at column " +
                                             std::to_string(first.column) + " but found " +
                                             describe(close));
    }
    co_return inside;
}

inline rule_coroutine start_rule(rule r, token_stream& tokens) {
    switch (r) {
        case rule::expr:
            return parse_expr(tokens);
        case rule::term:
            return parse_term(tokens);
        case rule::factor:
            break;
    }
    return parse_factor(tokens);
}

/// The whole of `text` as one expression.
inline node_ptr parse(std::string_view text) {
    token_stream tokens(text);
    node_ptr tree =
        trampoline(parse_expr(tokens), [&tokens](rule r) { return start_rule(r, tokens); });
    if (const token& rest = tokens.peek(); rest.kind != token_kind::end) {
        throw syntax_error(rest.column, "expected an operator or the end of the input but found " +
                                            describe(rest));
    }
    return tree;
}

}  // namespace compiler
