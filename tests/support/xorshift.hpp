// support/xorshift.hpp — a small deterministic random generator (xorshift64), so that a stress
// test that fails replays the same choices.
//
//   coact_test::xorshift random(42);
//   spin(random.next() % 256);
#pragma once

#include <cstdint>

namespace coact_test {

class xorshift {
  public:
    explicit xorshift(std::uint64_t seed) noexcept : state_(seed) {}
    std::uint64_t next() noexcept {
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        return state_;
    }

  private:
    std::uint64_t state_;
};

}  // namespace coact_test
