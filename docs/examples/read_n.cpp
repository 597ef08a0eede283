// read_n.cpp — a generator that keeps its input open across calls and hands out n lines at a
// time (the seed talk's read_n), and one that walks a text character by character (get_vowels).
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "Generators that keep state".
#include <cctype>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include <coact/coact.hpp>

namespace {

// [snippet:read_n]
coact::generator<std::string> read_n(std::istream& in, int n) {
    for (;;) {
        std::string output, line;
        for (int i = 0; i < n && std::getline(in, line); ++i) output += line + '\n';
        if (output.empty()) break;
        co_yield output;
    }
}
// [/snippet:read_n]

// [snippet:get_vowels]
coact::generator<char> get_vowels(std::istream& in) {
    std::string one_line;
    while (std::getline(in, one_line)) {
        for (char one_char : one_line) {
            const char lower =
                static_cast<char>(std::tolower(static_cast<unsigned char>(one_char)));
            if (std::string_view("aeiou").find(lower) != std::string_view::npos) co_yield one_char;
        }
    }
}
// [/snippet:get_vowels]

constexpr const char* text =
    "one\n"
    "two\n"
    "three\n"
    "four\n"
    "five\n"
    "six\n"
    "seven\n";

}  // namespace

int main() {
    // [snippet:read_n_use]
    std::istringstream file(text);  // seven lines: one, two, ..., seven
    for (const std::string& chunk : read_n(file, 3)) std::cout << "--- chunk\n" << chunk;
    // [/snippet:read_n_use]

    std::cout << "--- vowels\n";
    std::istringstream again(text);
    for (char v : get_vowels(again)) std::cout << v;
    std::cout << '\n';
}
