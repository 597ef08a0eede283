// md5.hpp — a small MD5 (RFC 1321) for the nanoservice examples, so that they need no library
// beyond coact. MD5 is broken as a cryptographic hash; it is here because the seed talk's first
// nanoservice is an MD5 service. Not part of coact.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace example {

/// The MD5 digest of `text` as 32 lowercase hex digits: md5_hex("hello") is
/// "5d41402abc4b2a76b9719d911017c592".
inline std::string md5_hex(std::string_view text) {
    // Per-round constants: the integer part of |sin(i + 1)| * 2^32 (exact in double precision).
    static const std::array<std::uint32_t, 64> k = [] {
        std::array<std::uint32_t, 64> t{};
        for (std::size_t i = 0; i < t.size(); ++i) {
            t[i] = static_cast<std::uint32_t>(
                std::floor(std::fabs(std::sin(static_cast<double>(i + 1))) * 4294967296.0));
        }
        return t;
    }();
    static constexpr std::array<int, 16> shift{7, 12, 17, 22, 5, 9,  14, 20,
                                               4, 11, 16, 23, 6, 10, 15, 21};

    // Padding: a 1 bit, zeros up to 56 mod 64 bytes, then the length in bits, little-endian.
    std::string msg(text);
    const std::uint64_t bits = static_cast<std::uint64_t>(msg.size()) * 8;
    msg.push_back(static_cast<char>(0x80));
    while (msg.size() % 64 != 56) msg.push_back('\0');
    for (int i = 0; i < 8; ++i) msg.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));

    std::uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    for (std::size_t block = 0; block < msg.size(); block += 64) {
        std::uint32_t m[16];
        for (std::size_t w = 0; w < 16; ++w) {
            m[w] = 0;
            for (std::size_t b = 0; b < 4; ++b) {
                const auto byte = static_cast<unsigned char>(msg[block + 4 * w + b]);
                m[w] |= static_cast<std::uint32_t>(byte) << (8 * b);
            }
        }
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        for (std::size_t i = 0; i < 64; ++i) {
            std::uint32_t f = 0;
            std::size_t g = 0;
            switch (i / 16) {
                case 0:
                    f = (b & c) | (~b & d), g = i;
                    break;
                case 1:
                    f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
                    break;
                case 2:
                    f = b ^ c ^ d, g = (3 * i + 5) % 16;
                    break;
                default:
                    f = c ^ (b | ~d), g = (7 * i) % 16;
                    break;
            }
            f += a + k[i] + m[g];
            const int s = shift[(i / 16) * 4 + i % 4];
            a = d;
            d = c;
            c = b;
            b += (f << s) | (f >> (32 - s));
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
    }

    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (std::uint32_t word : h) {
        for (int i = 0; i < 4; ++i) {
            const unsigned byte = (word >> (8 * i)) & 0xff;
            out.push_back(hex[byte >> 4]);
            out.push_back(hex[byte & 0xf]);
        }
    }
    return out;
}

}  // namespace example
