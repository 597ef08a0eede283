// actors/support/child_process.hpp — runs a piece of a test in a forked child process.
//
// For a test of a known bug whose symptom is undefined behaviour (a dangling read that may
// throw, crash, or abort under AddressSanitizer): the child takes the damage and the test
// process goes on to report it. The child's stdout and stderr go to /dev/null; it is killed if it
// does not finish within `limit`. Call it only while the test process has no other threads.
//
//   const coact_test::child_result r = coact_test::run_in_child([] { return 2 + 2 == 4; });
//   CHECK(r.passed());
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <sys/wait.h>

namespace coact_test {

struct child_result {
    bool timed_out = false;
    int exit_code = -1;  // when it exited
    int signal = 0;      // when a signal ended it

    /// The body returned true and the child exited normally.
    [[nodiscard]] bool passed() const noexcept {
        return !timed_out && signal == 0 && exit_code == 0;
    }
    [[nodiscard]] std::string describe() const {
        if (timed_out) return "the child process timed out";
        if (signal != 0) return "the child process was killed by signal " + std::to_string(signal);
        if (exit_code == 1) return "the child process reported a wrong result";
        if (exit_code == 2) return "an exception escaped in the child process";
        return "the child process exited with code " + std::to_string(exit_code);
    }
};

/// Runs `body()` (returning bool: the check passed) in a child process.
template <class Body>
child_result run_in_child(Body&& body, std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::fflush(nullptr);
    const ::pid_t pid = ::fork();
    if (pid < 0) {
        child_result failed;
        failed.exit_code = -2;
        return failed;
    }
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) {  // quiet: also Catch's report if the child crashes into its signal handler
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        int code = 2;
        try {
            code = body() ? 0 : 1;
        } catch (...) {
        }
        std::_Exit(code);
    }
    child_result result;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    for (;;) {
        const ::pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            result.timed_out = true;
            return result;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

}  // namespace coact_test
