// support/utf8.hpp — the one check of UTF-8 the engine's text outputs share: the Prometheus
// text (metrics/prometheus_text.cpp) and the trace file (trace/trace_writer.cpp) must be valid
// UTF-8, and actor names may hold any bytes.
#pragma once

#include <cstddef>
#include <string_view>

namespace coact::detail {

/// The length of the well-formed UTF-8 sequence at the start of `s`, 0 if there is none
/// (Unicode 15, table 3-7).
inline std::size_t utf8_sequence(std::string_view s) noexcept {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(0);
    if (b0 < 0x80) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;  // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
    } else {
        return 0;
    }
    if (s.size() < n) return 0;
    if (byte(1) < lo || byte(1) > hi) return 0;
    for (std::size_t i = 2; i < n; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
    }
    return n;
}

}  // namespace coact::detail
