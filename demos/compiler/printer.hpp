// printer.hpp — a second visitor on the same trampoline: the tree as a Lisp-like string.
//
//   compiler::to_lisp(*compiler::parse("1 - 2 - -3 * 4"))   // "(- (- 1 2) (* (- 3) 4))"
//
// A binary node prints as "(op left right)", unary minus as "(- operand)", a number as its
// digits. The tests use it to check the shape the parser built; like the evaluator it takes no
// native stack per level. One thread.
#pragma once

#include <string>

#include <coact/coroutine.hpp>

#include "ast.hpp"
#include "trampoline.hpp"

namespace compiler {

using print_coroutine = coact::coroutine<const node*, std::string, std::string>;

inline print_coroutine print_node(const node& n) {
    if (n.kind == node_kind::number) co_return std::to_string(n.value);
    std::string text = std::string("(") + n.op + ' ';
    std::string left = *(co_yield n.left.get());
    text += left;
    if (n.kind == node_kind::binary) {
        std::string right = *(co_yield n.right.get());
        text += ' ';
        text += right;
    }
    text += ')';
    co_return text;
}

inline std::string to_lisp(const node& root) {
    return trampoline(print_node(root), [](const node* n) { return print_node(*n); });
}

}  // namespace compiler
