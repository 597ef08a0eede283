// cpu_clock.hpp — the CPU time of the whole process, all its threads together, for benchmarks
// that run several threads and report how much CPU they burn: the time Google Benchmark's
// cpu_time column measures is the benchmark thread's only. Any thread may call these.
//
//   const cpu_meter meter;                     // starts both clocks
//   std::this_thread::sleep_for(1s);           // while the workers are parked
//   state.counters["cpu_s_per_s"] = meter.cpu_seconds() / meter.wall_seconds();
#pragma once

#include <time.h>

#include <chrono>

/// CPU seconds used by every thread of this process so far (CLOCK_PROCESS_CPUTIME_ID).
inline double process_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Process CPU time and wall-clock time since construction.
class cpu_meter {
  public:
    [[nodiscard]] double cpu_seconds() const { return process_cpu_seconds() - cpu_start_; }
    [[nodiscard]] double wall_seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_)
            .count();
    }

  private:
    double cpu_start_ = process_cpu_seconds();
    std::chrono::steady_clock::time_point wall_start_ = std::chrono::steady_clock::now();
};
