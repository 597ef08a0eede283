// ast.hpp — the parse tree: numbers, binary operators and unary minus (Beazley's Number/BinOp).
//
// A node owns its children through unique_ptr. Trees here can be a million levels deep (the
// left spine of "0+1+...+999999"), so nothing in this file recurses: the destructor releases the
// children of a subtree with an explicit stack, and shape_of() walks one the same way.
//
//   compiler::node_ptr sum = compiler::make_binary('+', 2, compiler::make_number(1, 1),
//                                                  compiler::make_number(2, 3));   // 1+2
//   compiler::tree_shape s = compiler::shape_of(*sum);  // s.nodes == 3, s.depth == 2
//
// Nodes are plain data, read-only once built; any thread may read a finished tree.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace compiler {

enum class node_kind { number, binary, negate };

struct node;
using node_ptr = std::unique_ptr<node>;

struct node {
    node_kind kind = node_kind::number;
    char op = 0;             // '+', '-', '*' or '/' for binary, '-' for negate
    std::size_t column = 0;  // of the literal, or of the operator
    std::int64_t value = 0;  // a number's value
    node_ptr left;           // binary: the left operand; negate: the operand
    node_ptr right;          // binary: the right operand

    node() = default;
    node(const node&) = delete;
    node& operator=(const node&) = delete;

    /// Takes the subtree apart from an explicit stack: by the time a node is deleted, its
    /// children have been moved out, so no destructor call nests inside another.
    ~node() {
        if (!left && !right) return;
        std::vector<node_ptr> pending;
        if (left) pending.push_back(std::move(left));
        if (right) pending.push_back(std::move(right));
        while (!pending.empty()) {
            node_ptr n = std::move(pending.back());
            pending.pop_back();
            if (n->left) pending.push_back(std::move(n->left));
            if (n->right) pending.push_back(std::move(n->right));
        }  // n, now childless, is deleted here
    }
};

inline node_ptr make_number(std::int64_t value, std::size_t column) {
    auto n = std::make_unique<node>();
    n->kind = node_kind::number;
    n->column = column;
    n->value = value;
    return n;
}

inline node_ptr make_binary(char op, std::size_t column, node_ptr left, node_ptr right) {
    auto n = std::make_unique<node>();
    n->kind = node_kind::binary;
    n->op = op;
    n->column = column;
    n->left = std::move(left);
    n->right = std::move(right);
    return n;
}

inline node_ptr make_negate(std::size_t column, node_ptr operand) {
    auto n = std::make_unique<node>();
    n->kind = node_kind::negate;
    n->op = '-';
    n->column = column;
    n->left = std::move(operand);
    return n;
}

struct tree_shape {
    std::size_t nodes = 0;
    std::size_t depth = 0;  // nodes on the longest path from the root to a leaf
};

/// Counts the nodes of a tree and measures its depth, from an explicit stack.
inline tree_shape shape_of(const node& root) {
    tree_shape shape;
    std::vector<std::pair<const node*, std::size_t>> pending;  // a node and its depth
    pending.emplace_back(&root, 1);
    while (!pending.empty()) {
        const auto [n, depth] = pending.back();
        pending.pop_back();
        ++shape.nodes;
        shape.depth = std::max(shape.depth, depth);
        if (n->left) pending.emplace_back(n->left.get(), depth + 1);
        if (n->right) pending.emplace_back(n->right.get(), depth + 1);
    }
    return shape;
}

}  // namespace compiler
