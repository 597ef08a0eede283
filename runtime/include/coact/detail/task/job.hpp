// coact/detail/task/job.hpp — a move-only `void()` callable: a queued piece of work or a callback.
//
// std::function needs a copyable callable; a job takes any movable one (a lambda holding a
// unique_ptr, a packaged result slot). Used by the thread pool's queue and by a future's list of
// callbacks. Threads: a job is a value, used by one thread at a time.
//
//   coact::detail::job j([p = std::make_unique<int>(7)] { std::cout << *p; });
//   if (j) j();  // prints 7
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace coact::detail {

class job {
  public:
    job() noexcept = default;

    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, job> &&
             std::is_invocable_v<F&>) explicit job(F&& f)
        : body_(std::make_unique<model<std::decay_t<F>>>(std::forward<F>(f))) {}

    /// Runs the callable. The job must not be empty.
    void operator()() { body_->run(); }

    explicit operator bool() const noexcept { return body_ != nullptr; }

  private:
    struct concept_ {
        concept_() = default;
        concept_(const concept_&) = delete;
        concept_& operator=(const concept_&) = delete;
        virtual ~concept_() = default;
        virtual void run() = 0;
    };

    template <class F>
    struct model final : concept_ {
        explicit model(F&& f) : f_(std::move(f)) {}
        explicit model(const F& f) : f_(f) {}
        void run() override { f_(); }
        F f_;
    };

    std::unique_ptr<concept_> body_;
};

}  // namespace coact::detail
