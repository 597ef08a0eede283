// tests/fuzz/fuzz_input.hpp — what the fuzz targets share: the input read as a stream of small
// choices, and how a broken invariant is reported.
//
//   coact_fuzz::fuzz_input in{data, size};
//   while (!in.empty() && ops++ < max_ops) {
//       switch (in.below(4)) { ... }
//       coact_fuzz::expect(c.state() == expected, "state after next()");
//   }
//
// Reading past the end yields zeros, so every input, however short, is a complete program.
// expect() prints its message on stdout as well as stderr (the CTest runs discard the program's
// stderr with -close_fd_mask=2) and then traps: libFuzzer records the input as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace coact_fuzz {

class fuzz_input {
  public:
    fuzz_input(const std::uint8_t* data, std::size_t size) noexcept : data_(data), size_(size) {}

    [[nodiscard]] bool empty() const noexcept { return pos_ >= size_; }
    std::uint8_t byte() noexcept { return pos_ < size_ ? data_[pos_++] : std::uint8_t{0}; }
    /// A choice among n (n > 0).
    unsigned below(unsigned n) noexcept { return byte() % n; }
    /// A small signed value, -128..127.
    int value() noexcept { return static_cast<std::int8_t>(byte()); }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stdout, "coact fuzz: invariant broken: %s\n", what);
    std::fflush(stdout);
    std::fprintf(stderr, "coact fuzz: invariant broken: %s\n", what);
    __builtin_trap();
}

inline void expect(bool condition, const char* what) {
    if (!condition) [[unlikely]]
        fail(what);
}

}  // namespace coact_fuzz
