// deep_input — writes the deep test inputs of the compiler demo, which are too big (~7 MB) for a
// command line and too slow to build in a CMake script. Built with the tests only.
//
//   deep_input sum N FILE        0+1+2+...+(N-1)                  a left spine N deep
//   deep_input parens N FILE     ((...(1)...)) with N pairs       N nested parentheses
//   deep_input mixed N FILE      1-(2-(3-(...-(N)...)))           a right spine N deep
//   deep_input unclosed N FILE   N '(' then 1, never closed       a syntax error at the end
//   deep_input recurse N         recurses natively N levels deep  (crashes under a small stack)
//
// The files have no final newline, so the end of the input is at column size + 1.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace {

// Each level keeps a buffer on the native stack that the optimiser cannot drop: the control
// that shows `ulimit -s` really limits the demo's stack.
[[gnu::noinline]] long recurse(long depth) {
    volatile char frame[64] = {};
    if (depth == 0) return frame[0];
    return recurse(depth - 1) + frame[depth % 64];
}

std::string make(std::string_view kind, long n) {
    std::string text;
    if (kind == "sum") {
        for (long i = 0; i < n; ++i) {
            if (i > 0) text += '+';
            text += std::to_string(i);
        }
    } else if (kind == "parens" || kind == "unclosed") {
        text.append(static_cast<std::size_t>(n), '(');
        text += '1';
        if (kind == "parens") text.append(static_cast<std::size_t>(n), ')');
    } else if (kind == "mixed") {
        for (long i = 1; i < n; ++i) text += std::to_string(i) + "-(";
        text += std::to_string(n);
        text.append(static_cast<std::size_t>(n - 1), ')');
    }
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view kind = argc > 1 ? argv[1] : "";
    const long n = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 0;
    if (kind == "recurse" && argc == 3 && n > 0) return static_cast<int>(recurse(n));
    const std::string text = make(kind, n);
    if (argc != 4 || n < 1 || text.empty()) {
        std::cerr << "usage: deep_input sum|parens|mixed|unclosed N FILE | recurse N\n";
        return 2;
    }
    std::ofstream out(argv[3], std::ios::binary);
    out << text;
    return out.flush() ? 0 : 1;
}
