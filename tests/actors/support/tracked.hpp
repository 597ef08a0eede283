// actors/support/tracked.hpp — a message type that counts its constructions and destructions.
//
// Every object, however it was made (value, copy, move), is counted when made and when
// destroyed; destroying an object twice (or one that was never made) is counted separately,
// because its marker is no longer `alive`. `tracked` fits inline in an envelope; `big_tracked`
// (over 48 bytes) is boxed on the heap, so both storage paths are exercised. The counters are
// atomic: with several workers, messages are made and destroyed on the workers' threads.
//
//   coact_test::tracked::reset();
//   { ... send tracked{7} around, shut down ... }
//   CHECK(coact_test::tracked::live() == 0);
//   CHECK(coact_test::tracked::bad_destroys() == 0);
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace coact_test {

class tracked {
  public:
    explicit tracked(int value = 0) noexcept : value_(value) { ++made_; }
    tracked(const tracked& other) noexcept : value_(other.value_) { ++made_; }
    tracked(tracked&& other) noexcept : value_(other.value_) { ++made_; }
    tracked& operator=(const tracked&) = default;
    tracked& operator=(tracked&&) = default;
    ~tracked() {
        if (marker_ != alive) ++bad_destroys_;
        marker_ = dead;
        ++destroyed_;
    }

    [[nodiscard]] int value() const noexcept { return value_; }

    static void reset() noexcept {
        made_ = 0;
        destroyed_ = 0;
        bad_destroys_ = 0;
    }
    [[nodiscard]] static long made() noexcept { return made_; }
    [[nodiscard]] static long destroyed() noexcept { return destroyed_; }
    [[nodiscard]] static long live() noexcept { return made_ - destroyed_; }
    [[nodiscard]] static long bad_destroys() noexcept { return bad_destroys_; }

  private:
    static constexpr std::uint32_t alive = 0xA11FE;
    static constexpr std::uint32_t dead = 0xDEAD;

    int value_;
    std::uint32_t marker_ = alive;

    static inline std::atomic<long> made_{0};
    static inline std::atomic<long> destroyed_{0};
    static inline std::atomic<long> bad_destroys_{0};
};

/// Too big for an envelope's inline storage: travels boxed.
struct big_tracked {
    tracked inner;
    std::array<char, 200> padding{};
};

}  // namespace coact_test
