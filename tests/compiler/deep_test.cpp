// A million levels deep: the parser, the evaluator and the tree's destructor take no native stack
// per level. Each case runs on a thread whose whole stack is 256 KiB, where any of them would
// overflow at once if it recursed (a frame per level is at least 16 bytes: 16 MB for a million).
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>
#include <sys/wait.h>

#include "ast.hpp"
#include "error.hpp"
#include "evaluator.hpp"
#include "parser.hpp"
#include "printer.hpp"

namespace {

constexpr long depth = 1'000'000;

// Runs `body` to completion on a new thread with a 256 KiB stack; rethrows what it threw.
void on_small_stack(const std::function<void()>& body) {
    struct job {
        const std::function<void()>* body;
        std::exception_ptr error;
    } work{&body, nullptr};
    pthread_attr_t attr;
    REQUIRE(pthread_attr_init(&attr) == 0);
    REQUIRE(pthread_attr_setstacksize(&attr, 256 * 1024) == 0);
    pthread_t thread;
    const int created = pthread_create(
        &thread, &attr,
        [](void* arg) -> void* {
            auto* w = static_cast<job*>(arg);
            try {
                (*w->body)();
            } catch (...) {
                w->error = std::current_exception();
            }
            return nullptr;
        },
        &work);
    pthread_attr_destroy(&attr);
    REQUIRE(created == 0);
    REQUIRE(pthread_join(thread, nullptr) == 0);
    if (work.error) std::rethrow_exception(work.error);
}

std::string sum_text(long n) {  // 0+1+2+...+(n-1)
    std::string text;
    for (long i = 0; i < n; ++i) {
        if (i > 0) text += '+';
        text += std::to_string(i);
    }
    return text;
}

std::string parens_text(long n) {  // ((...(1)...))
    return std::string(static_cast<std::size_t>(n), '(') + "1" +
           std::string(static_cast<std::size_t>(n), ')');
}

std::string mixed_text(long n) {  // 1-(2-(3-(...-(n)...)))
    std::string text;
    for (long i = 1; i < n; ++i) text += std::to_string(i) + "-(";
    return text + std::to_string(n) + std::string(static_cast<std::size_t>(n - 1), ')');
}

// A plain recursion that keeps a buffer per level on the native stack.
[[gnu::noinline]] long recurse(long n) {
    volatile char frame[64] = {};
    if (n == 0) return frame[0];
    return recurse(n - 1) + frame[n % 64];
}

}  // namespace

TEST_CASE("a 256 KiB stack really stops native recursion (the control for the deep tests)",
          "[compiler][deep]") {
    // In a child process: the overflow kills it, not the test binary.
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const int null = open("/dev/null", O_WRONLY);
        dup2(null, STDERR_FILENO);  // the sanitizers' report of the overflow
        on_small_stack([] { std::exit(static_cast<int>(recurse(100'000))); });
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK_FALSE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

TEST_CASE("the million-term sum 0+1+...+999999 parses and evaluates on a 256 KiB stack",
          "[compiler][deep]") {
    const std::string text = sum_text(depth);
    on_small_stack([&] {
        const compiler::node_ptr tree = compiler::parse(text);
        const compiler::tree_shape shape = compiler::shape_of(*tree);
        CHECK(shape.nodes == 2 * depth - 1);
        CHECK(shape.depth == static_cast<std::size_t>(depth));
        CHECK(compiler::evaluate(*tree) == 499'999'500'000);
    });  // the tree, a million deep, is destroyed on the small stack too
}

TEST_CASE("a million nested parentheses parse on a 256 KiB stack", "[compiler][deep]") {
    const std::string text = parens_text(depth);
    on_small_stack([&] {
        const compiler::node_ptr tree = compiler::parse(text);
        CHECK(compiler::to_lisp(*tree) == "1");
        CHECK(compiler::evaluate(*tree) == 1);
    });
}

TEST_CASE(
    "a million levels of parenthesised subtraction, a right spine, evaluate on a 256 KiB stack",
    "[compiler][deep]") {
    const std::string text = mixed_text(depth);
    on_small_stack([&] {
        const compiler::node_ptr tree = compiler::parse(text);
        CHECK(compiler::shape_of(*tree).depth == static_cast<std::size_t>(depth));
        CHECK(compiler::evaluate(*tree) == -depth / 2);  // 1-2+3-4+...-1000000
    });
}

TEST_CASE("a million unary minuses nest on a 256 KiB stack", "[compiler][deep]") {
    const std::string text = std::string(static_cast<std::size_t>(depth) + 1, '-') + "7";
    on_small_stack([&] {
        const compiler::node_ptr tree = compiler::parse(text);
        CHECK(compiler::evaluate(*tree) == -7);
    });
}

TEST_CASE("a syntax error a million levels down unwinds every suspended rule", "[compiler][deep]") {
    const std::string text = std::string(static_cast<std::size_t>(depth), '(') + "1";
    on_small_stack([&] {
        CHECK_THROWS_WITH(compiler::parse(text),
                          "syntax error at column 1000002: expected ')' to close the '(' at "
                          "column 1000000 but found the end of the input");
    });
}

TEST_CASE("an arithmetic error a million levels down unwinds every suspended visit",
          "[compiler][deep]") {
    // A million unary minuses above a division by zero: the error is raised with every
    // visit_negate of the chain suspended below it.
    const std::string text = std::string(static_cast<std::size_t>(depth), '-') + "(1/0)";
    on_small_stack([&] {
        const compiler::node_ptr tree = compiler::parse(text);
        CHECK_THROWS_WITH(compiler::evaluate(*tree),
                          "arithmetic error at column 1000003: division by zero (1 / 0)");
    });
}

TEST_CASE("a tree a million levels deep is destroyed without recursion", "[compiler][deep]") {
    on_small_stack([] {
        compiler::node_ptr tree = compiler::make_number(1, 1);
        for (long i = 0; i < depth; ++i) {
            tree = i % 2 == 0 ? compiler::make_negate(1, std::move(tree))
                              : compiler::make_binary('+', 1, std::move(tree),
                                                      compiler::make_number(2, 1));
        }
        CHECK(compiler::shape_of(*tree).depth == static_cast<std::size_t>(depth) + 1);
        tree.reset();
        CHECK(tree == nullptr);
    });
}
