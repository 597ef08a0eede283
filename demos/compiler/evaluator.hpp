// evaluator.hpp — Beazley's Evaluator(NodeVisitor), with visit methods that never recurse.
//
// Each visit_ method is a coroutine. Where the recursive visitor calls self.visit(node.left), it
// co_yields the child node instead (Beazley's `leftval = yield node.left`); trampoline()
// (trampoline.hpp) visits that child on its heap stack and sends the child's value back as the
// value of the co_yield. The visit methods read like the recursive ones, and a tree a million
// levels deep takes a million suspended frames on the heap, not on the native stack.
//
//   std::int64_t v = compiler::evaluate(*compiler::parse("-7 / 2"));   // -3
//
// Values are int64. '/' truncates toward zero, as C++ does. Division by zero and any result
// outside int64 throw arithmetic_error (error.hpp) naming the operator's column. One thread; the
// tree must outlive the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <coact/coroutine.hpp>

#include "ast.hpp"
#include "error.hpp"
#include "trampoline.hpp"

namespace compiler {

/// A visit method: yields the children it needs, receives their values, returns its own.
using visit_coroutine = coact::coroutine<const node*, std::int64_t, std::int64_t>;

/// `left op right`, checked: division by zero and int64 overflow are errors at `column`.
inline std::int64_t apply(char op, std::size_t column, std::int64_t left, std::int64_t right) {
    std::int64_t result = 0;
    bool overflow = false;
    switch (op) {
        case '+':
            overflow = __builtin_add_overflow(left, right, &result);
            break;
        case '-':
            overflow = __builtin_sub_overflow(left, right, &result);
            break;
        case '*':
            overflow = __builtin_mul_overflow(left, right, &result);
            break;
        case '/':
            if (right == 0) {
                throw arithmetic_error(column,
                                       "division by zero (" + std::to_string(left) + " / 0)");
            }
            overflow = right == -1 && left == INT64_MIN;  // the one quotient int64 cannot hold
            if (!overflow) result = left / right;
            break;
        default:
            throw arithmetic_error(column, std::string("unknown operator '") + op + "'");
    }
    if (overflow) {
        throw arithmetic_error(column, std::to_string(left) + ' ' + op + ' ' +
                                           std::to_string(right) + " does not fit in int64");
    }
    return result;
}

/// -operand, checked: -(-9223372036854775808) is an error at `column`.
inline std::int64_t negate(std::size_t column, std::int64_t operand) {
    std::int64_t result = 0;
    if (__builtin_sub_overflow(std::int64_t{0}, operand, &result)) {
        throw arithmetic_error(column, "-(" + std::to_string(operand) + ") does not fit in int64");
    }
    return result;
}

inline visit_coroutine visit_number(const node& n) { co_return n.value; }

// Beazley's visit_BinOp: `leftval = yield node.left; rightval = yield node.right`.
inline visit_coroutine visit_binary(const node& n) {
    const std::int64_t left = *(co_yield n.left.get());
    const std::int64_t right = *(co_yield n.right.get());
    co_return apply(n.op, n.column, left, right);
}

inline visit_coroutine visit_negate(const node& n) {
    const std::int64_t operand = *(co_yield n.left.get());
    co_return negate(n.column, operand);
}

/// Beazley's NodeVisitor.visit: picks the visit method for the node's kind.
inline visit_coroutine visit(const node& n) {
    switch (n.kind) {
        case node_kind::binary:
            return visit_binary(n);
        case node_kind::negate:
            return visit_negate(n);
        case node_kind::number:
            break;
    }
    return visit_number(n);
}

/// The value of the tree, visited from trampoline()'s explicit stack.
inline std::int64_t evaluate(const node& root) {
    return trampoline(visit(root), [](const node* n) { return visit(*n); });
}

}  // namespace compiler
