// coact/detail/actor/deadline.hpp — a user's duration on the runtime's clock, without overflow.
//
// steady_clock counts nanoseconds in 64 bits: about 292 years. `hours::max()` or `years(1000)`
// converted with duration_cast overflows (undefined behaviour; in practice a deadline wrapped
// into the past, so the wait ended at once). Here a duration past the clock's range saturates to
// `forever`, and a deadline past the clock's end is `never`: a timer that never fires, which the
// timers keep out of their queue (timer_queue.hpp) so that run() does not wait for it. A negative
// duration is zero.
//
//   const clock::duration d = saturated(std::chrono::hours::max());   // forever
//   const clock::time_point t = deadline_after(now, d);               // never
#pragma once

#include <chrono>
#include <cstdint>
#include <ratio>

namespace coact::detail {

using clock = std::chrono::steady_clock;

/// A duration past the clock's range.
inline constexpr clock::duration forever = clock::duration::max();
/// The deadline of a timer that never fires.
inline constexpr clock::time_point never = clock::time_point::max();

/// `d` in the clock's units: zero if negative (or NaN), `forever` if past the clock's range.
/// Exact for every period that is a whole number of nanoseconds apart (all of <chrono>'s).
template <class Rep, class Period>
[[nodiscard]] constexpr clock::duration saturated(std::chrono::duration<Rep, Period> d) noexcept {
    using to_clock = std::ratio_divide<Period, clock::period>;  // clock ticks per tick of d
    if constexpr (std::chrono::treat_as_floating_point_v<Rep>) {
        const long double ticks =
            static_cast<long double>(d.count()) * to_clock::num / to_clock::den;
        if (!(ticks > 0)) return clock::duration::zero();
        if (ticks >= static_cast<long double>(forever.count())) return forever;
        return clock::duration(static_cast<clock::rep>(ticks));
    } else {
        if (!(d.count() > Rep{0})) return clock::duration::zero();
        // count * num must fit before the division by den.
        constexpr auto most = static_cast<std::uintmax_t>(forever.count()) / to_clock::num;
        if (static_cast<std::uintmax_t>(d.count()) > most) return forever;
        return clock::duration(static_cast<clock::rep>(static_cast<std::intmax_t>(d.count()) *
                                                       to_clock::num / to_clock::den));
    }
}

/// `now + d`, or `never` if that is past the clock's end (`d` is not negative).
[[nodiscard]] constexpr clock::time_point deadline_after(clock::time_point now,
                                                         clock::duration d) noexcept {
    if (d == forever || now.time_since_epoch() > forever - d) return never;
    return now + d;
}

}  // namespace coact::detail
