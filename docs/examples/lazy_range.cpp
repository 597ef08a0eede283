// lazy_range.cpp — why lazy matters: summing a range built as a list versus produced by a
// generator, and composing a generator with range adaptors.
//
//   lazy_range            prints both sums and the first ten even numbers
//   lazy_range list N     sums 0..N-1 from a std::vector and prints the peak memory (RSS)
//   lazy_range lazy N     the same from a generator
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "Why lazy matters".
#include <cstdlib>
#include <iostream>
#include <numeric>
#include <ranges>
#include <string_view>
#include <vector>

#include <sys/resource.h>

#include <coact/coact.hpp>

namespace {

// [snippet:old_range]
std::vector<long> old_range(long n) {
    std::vector<long> numbers;
    for (long i = 0; i < n; ++i) numbers.push_back(i);
    return numbers;
}
// [/snippet:old_range]

// [snippet:new_range]
coact::generator<long> new_range(long n) {
    for (long i = 0; i < n; ++i) co_yield i;
}
// [/snippet:new_range]

// [snippet:sum]
template <class Range>
long sum(Range&& numbers) {
    long total = 0;
    for (long x : numbers) total += x;
    return total;
}
// [/snippet:sum]

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;  // KiB on Linux
}

void first_ten_evens() {
#if defined(__clang__) && __clang_major__ < 16
    // clang 15 and older cannot compile libstdc++'s view adaptors (see the toolchain notes in
    // docs/concepts/coroutine-protocol.md): the same ten numbers, taken by hand.
    int taken = 0;
    for (long n : new_range(1'000'000)) {
        if (n % 2 != 0) continue;
        if (taken++ == 10) break;
        std::cout << n << ' ';
    }
#else
    // [snippet:first_ten_evens]
    auto evens = new_range(1'000'000) | std::views::filter([](long n) { return n % 2 == 0; }) |
                 std::views::take(10);
    for (long n : evens) std::cout << n << ' ';
        // [/snippet:first_ten_evens]
#endif
    std::cout << '\n';
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3) {
        const std::string_view how = argv[1];
        const long limit = std::atol(argv[2]);
        const long total = how == "list" ? sum(old_range(limit)) : sum(new_range(limit));
        std::cout << total << '\n' << "peak RSS: " << peak_rss_kib() << " KiB\n";
        return 0;
    }
    // [snippet:sums]
    constexpr long limit = 1'000'000;
    std::cout << sum(old_range(limit)) << '\n';  // a vector of a million longs: ~8 MB
    std::cout << sum(new_range(limit)) << '\n';  // one long at a time, in one coroutine frame
    // [/snippet:sums]
    first_ten_evens();
}
