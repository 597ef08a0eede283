// support/temp_file.hpp — a uniquely named file under the system temp directory, removed when
// the object dies. Tests that read files (the seeds' read_n, get_vowels) write their own input
// here instead of depending on the working directory.
//
//   coact_test::temp_file f("read_n");
//   f.write("one\ntwo\n");
//   auto g = read_n(f.path(), 2);
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace coact_test {

class temp_file {
  public:
    explicit temp_file(std::string_view tag) : path_(unique_path(tag)) {}
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

    void write(std::string_view text) const {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        out << text;
    }

  private:
    static std::filesystem::path unique_path(std::string_view tag) {
        static std::atomic<unsigned> serial{0};
        std::string name = "coact_test_" + std::string(tag) + '_' + std::to_string(::getpid()) +
                           '_' + std::to_string(serial++) + ".txt";
        return std::filesystem::temp_directory_path() / name;
    }

    std::filesystem::path path_;
};

}  // namespace coact_test
