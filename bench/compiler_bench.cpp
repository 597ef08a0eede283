// compiler_bench.cpp — the expression compiler demo (demos/compiler): what it costs to run
// Beazley's visitor from a heap stack of coroutines instead of native recursion.
//
//   evaluate_coroutine_sum/terms:N   the coroutine evaluator on the left spine 0+1+...+(N-1)
//                                    (N = 1,000,000: a depth plain recursion cannot take)
//   evaluate_recursive_sum/terms:N   the reference: a plain recursive evaluator, same tree
//                                    (N = 10,000 only, which native recursion still handles)
//   evaluate_*_balanced/leaves:N     both on a balanced tree of N leaves (depth log2 N + 1)
//   parse_sum/terms:N                tokenizer + coroutine parser on the text 0+1+...+(N-1)
//
// Items are tree nodes (or, for parse, the nodes built). The tree is built before the timed loop.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "../demos/compiler/ast.hpp"
#include "../demos/compiler/evaluator.hpp"
#include "../demos/compiler/parser.hpp"

namespace {

// The evaluator of Beazley's slides before the yield trick: one native frame per level.
std::int64_t evaluate_recursive(const compiler::node& n) {
    switch (n.kind) {
        case compiler::node_kind::number:
            return n.value;
        case compiler::node_kind::negate:
            return compiler::negate(n.column, evaluate_recursive(*n.left));
        case compiler::node_kind::binary:
            break;
    }
    const std::int64_t left = evaluate_recursive(*n.left);
    const std::int64_t right = evaluate_recursive(*n.right);
    return compiler::apply(n.op, n.column, left, right);
}

std::string sum_text(std::int64_t terms) {
    std::string text;
    for (std::int64_t i = 0; i < terms; ++i) {
        if (i > 0) text += '+';
        text += std::to_string(i);
    }
    return text;
}

// Leaves 1..N combined pairwise, level by level, with '+' and '-' alternating.
compiler::node_ptr balanced_tree(std::int64_t leaves) {
    std::vector<compiler::node_ptr> level;
    for (std::int64_t i = 1; i <= leaves; ++i) level.push_back(compiler::make_number(i, 1));
    while (level.size() > 1) {
        std::vector<compiler::node_ptr> next;
        for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
            const char op = next.size() % 2 == 0 ? '+' : '-';
            next.push_back(
                compiler::make_binary(op, 1, std::move(level[i]), std::move(level[i + 1])));
        }
        if (level.size() % 2 == 1) next.push_back(std::move(level.back()));
        level = std::move(next);
    }
    return std::move(level.front());
}

template <class Evaluate>
void run_evaluation(benchmark::State& state, const compiler::node& tree, Evaluate evaluate) {
    const std::size_t nodes = compiler::shape_of(tree).nodes;
    for (auto _ : state) benchmark::DoNotOptimize(evaluate(tree));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * nodes));
}

void evaluate_coroutine_sum(benchmark::State& state) {
    const compiler::node_ptr tree = compiler::parse(sum_text(state.range(0)));
    run_evaluation(state, *tree, [](const compiler::node& n) { return compiler::evaluate(n); });
}

void evaluate_recursive_sum(benchmark::State& state) {
    const compiler::node_ptr tree = compiler::parse(sum_text(state.range(0)));
    run_evaluation(state, *tree, [](const compiler::node& n) { return evaluate_recursive(n); });
}

void evaluate_coroutine_balanced(benchmark::State& state) {
    const compiler::node_ptr tree = balanced_tree(state.range(0));
    run_evaluation(state, *tree, [](const compiler::node& n) { return compiler::evaluate(n); });
}

void evaluate_recursive_balanced(benchmark::State& state) {
    const compiler::node_ptr tree = balanced_tree(state.range(0));
    run_evaluation(state, *tree, [](const compiler::node& n) { return evaluate_recursive(n); });
}

void parse_sum(benchmark::State& state) {
    const std::string text = sum_text(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(compiler::parse(text));
    state.SetItemsProcessed(state.iterations() * (2 * state.range(0) - 1));
}

}  // namespace

BENCHMARK(evaluate_coroutine_sum)->ArgName("terms")->Arg(10'000)->Arg(1'000'000);
BENCHMARK(evaluate_recursive_sum)->ArgName("terms")->Arg(10'000);
BENCHMARK(evaluate_coroutine_balanced)->ArgName("leaves")->Arg(65'536);
BENCHMARK(evaluate_recursive_balanced)->ArgName("leaves")->Arg(65'536);
BENCHMARK(parse_sum)->ArgName("terms")->Arg(100'000);

BENCHMARK_MAIN();
