// actors/support/stderr_capture.hpp — redirects file descriptor 2 into a temporary file.
//
// The runtime reports a failed actor with one line on stderr (std::fputs, so below iostreams):
// only swapping the descriptor itself catches it. Single-threaded use: nothing else may write to
// stderr meanwhile. The descriptor is restored by text() or by the destructor.
//
//   coact_test::stderr_capture err;
//   rt.run();                                   // an actor fails
//   std::string lines = err.text();             // stops capturing, returns what was written
//   CHECK(coact_test::count_lines(lines) == 1);
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace coact_test {

class stderr_capture {
  public:
    stderr_capture() {
        char path[] = "/tmp/coact_stderr_XXXXXX";
        file_ = ::mkstemp(path);
        if (file_ < 0) throw std::runtime_error("stderr_capture: mkstemp failed");
        ::unlink(path);  // the descriptor keeps it alive; nothing to clean up on disk
        std::fflush(stderr);
        saved_ = ::dup(2);
        if (saved_ < 0 || ::dup2(file_, 2) < 0) {
            ::close(file_);
            throw std::runtime_error("stderr_capture: dup/dup2 failed");
        }
    }
    stderr_capture(const stderr_capture&) = delete;
    stderr_capture& operator=(const stderr_capture&) = delete;
    ~stderr_capture() {
        restore();
        ::close(file_);
    }

    /// Stops capturing (if still capturing) and returns everything written to fd 2 meanwhile.
    std::string text() {
        restore();
        std::string out;
        char buffer[4096];
        ::off_t offset = 0;
        for (;;) {
            const ::ssize_t n = ::pread(file_, buffer, sizeof buffer, offset);
            if (n <= 0) break;
            out.append(buffer, static_cast<std::size_t>(n));
            offset += n;
        }
        return out;
    }

  private:
    void restore() noexcept {
        if (saved_ < 0) return;
        std::fflush(stderr);
        ::dup2(saved_, 2);
        ::close(saved_);
        saved_ = -1;
    }

    int file_ = -1;
    int saved_ = -1;
};

inline std::size_t count_lines(std::string_view text) {
    std::size_t n = 0;
    for (char ch : text) n += ch == '\n' ? 1U : 0U;
    return n;
}

inline bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

}  // namespace coact_test
