// actors/support/resident_memory.hpp — how much memory the process holds, and its peak over a
// stretch of a test, for tests that check that a flood does not pile up messages.
//
//   coact_test::resident_peak peak;          // samples every 5 ms on a thread of its own
//   ...                                      // the flood
//   CHECK(peak.stop() - peak.baseline() < 256 << 20);
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <string>
#include <thread>

namespace coact_test {

/// Whether this build runs under AddressSanitizer, whose quarantine keeps freed memory resident.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool address_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool address_sanitizer = true;
#else
inline constexpr bool address_sanitizer = false;
#endif
#else
inline constexpr bool address_sanitizer = false;
#endif

/// The process's resident set size in bytes (VmRSS of /proc/self/status), 0 if unknown.
inline std::size_t resident_bytes() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            std::size_t kib = 0;
            status >> kib;
            return kib * 1024;
        }
        std::getline(status, key);
    }
    return 0;
}

/// Samples resident_bytes() every 5 ms from construction to stop(), keeping the highest.
class resident_peak {
  public:
    resident_peak() : baseline_(resident_bytes()), peak_(baseline_) {
        thread_ = std::thread([this] {
            while (!done_.load(std::memory_order_acquire)) {
                const std::size_t now = resident_bytes();
                if (now > peak_.load(std::memory_order_relaxed)) peak_.store(now);
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        });
    }
    resident_peak(const resident_peak&) = delete;
    resident_peak& operator=(const resident_peak&) = delete;
    ~resident_peak() { stop(); }

    /// Stops sampling; returns the peak seen.
    std::size_t stop() {
        done_.store(true, std::memory_order_release);
        if (thread_.joinable()) thread_.join();
        return peak_.load();
    }
    [[nodiscard]] std::size_t baseline() const noexcept { return baseline_; }

  private:
    std::size_t baseline_;
    std::atomic<std::size_t> peak_;
    std::atomic<bool> done_{false};
    std::thread thread_;  // last: it starts once the members above exist
};

}  // namespace coact_test
