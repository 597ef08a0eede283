// trampoline.hpp — the driver loop of Beazley's Part 7: recursion on a heap stack of coroutines.
//
// A recursive function is rewritten as a coroutine that, instead of calling itself, co_yields a
// request ("visit this child", "parse a term") and receives the answer by send. trampoline()
// keeps the coroutines that are waiting for an answer on a std::vector:
//
//   1. It resumes the top coroutine: with next() the first time, later with send(answer).
//   2. If the coroutine yields a request, spawn(request) makes a new coroutine, pushed on top.
//   3. If it returns, its co_return value is popped off as the answer for the one below it.
//   4. When the bottom coroutine returns, its value is the result.
//
// The native stack stays flat however deep the recursion goes: each level costs one coroutine
// frame on the heap and one slot in the vector. An exception escaping any coroutine propagates
// out of trampoline(); the vector then destroys every suspended frame, one after the other.
//
//   coact::coroutine<int, long, long> factorial(int n) {   // yields n - 1, receives (n - 1)!
//       if (n <= 1) co_return 1;
//       co_return n * *(co_yield n - 1);
//   }
//   long f = compiler::trampoline(factorial(20), [](int n) { return factorial(n); });
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <coact/coroutine.hpp>

namespace compiler {

template <class Request, class Value, class Spawn>
Value trampoline(coact::coroutine<Request, Value, Value> first, Spawn spawn) {
    std::vector<coact::coroutine<Request, Value, Value>> stack;
    stack.push_back(std::move(first));
    std::optional<Value> answer;  // the value the top coroutine is waiting for, if any
    for (;;) {
        auto& top = stack.back();
        std::optional<Request> request = answer ? top.send(std::move(*answer)) : top.next();
        answer.reset();
        if (request) {
            stack.push_back(spawn(std::move(*request)));
            continue;
        }
        answer.emplace(std::move(top.result()));
        stack.pop_back();
        if (stack.empty()) return std::move(*answer);
    }
}

}  // namespace compiler
