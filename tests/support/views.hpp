// support/views.hpp — whether this toolchain can compile the standard range adaptors.
//
// clang 14 cannot compile libstdc++ 12's <ranges> view adaptors at all: even
// `std::vector<int>{} | std::views::take(2)` fails inside libstdc++ (the concepts themselves,
// std::ranges::input_range and friends, are fine). Tests that pipe into std::views::* are
// guarded with `#if COACT_TEST_HAS_VIEWS`; they still run under g++ and newer clang.
#pragma once

#if defined(__clang__) && __clang_major__ < 15 && defined(__GLIBCXX__)
#define COACT_TEST_HAS_VIEWS 0
#else
#define COACT_TEST_HAS_VIEWS 1
#endif
