// coact/detail/actor/registry.hpp — the central table of actor names.
//
// Written only by the scheduler thread (spawn and termination), under the exclusive lock; read
// lock-free by that thread (the only writer) and under the shared lock by any other thread
// (rt.send by name from outside). So a send by name from inside an actor costs one hash lookup
// and no lock.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace coact {
class context;
}  // namespace coact

namespace coact::detail {

struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

class registry {
  public:
    /// The scheduler thread's lookup: no lock (it is the only writer).
    [[nodiscard]] context* find_local(std::string_view name) const noexcept {
        auto it = names_.find(name);
        return it == names_.end() ? nullptr : it->second;
    }

    /// Any other thread's lookup; `fn(context*)` runs under the shared lock.
    template <class Fn>
    auto find_shared(std::string_view name, Fn&& fn) const {
        std::shared_lock lock(mutex_);
        auto it = names_.find(name);
        return fn(it == names_.end() ? nullptr : it->second);
    }

    /// Registers `name`; returns the stored key, or null if the name is taken.
    const std::string* insert(std::string_view name, context* cell) {
        std::unique_lock lock(mutex_);
        auto [it, fresh] = names_.try_emplace(std::string(name), cell);
        return fresh ? &it->first : nullptr;
    }

    /// Unregisters `name`; `then()` runs under the exclusive lock (to retire the cell atomically
    /// with respect to find_shared).
    template <class Fn>
    void erase(std::string_view name, Fn&& then) {
        std::unique_lock lock(mutex_);
        if (auto it = names_.find(name); it != names_.end()) names_.erase(it);
        then();
    }

    /// Any thread: `each(name, context*)` for every entry, then `after()`, under one shared lock.
    template <class Each, class After>
    void for_each_shared(Each&& each, After&& after) const {
        std::shared_lock lock(mutex_);
        for (const auto& [name, cell] : names_) each(name, cell);
        after();
    }

    template <class Fn>
    void locked(Fn&& fn) {
        std::unique_lock lock(mutex_);
        fn();
    }

    [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }

  private:
    std::unordered_map<std::string, context*, name_hash, std::equal_to<>> names_;
    mutable std::shared_mutex mutex_;
};

}  // namespace coact::detail
