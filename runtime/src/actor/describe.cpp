// actor/describe.cpp — how messages name things: an actor ("'pong'" or "<anonymous #3>"), a
// runtime ("runtime #2"), an exception ("std::runtime_error: boom") and a type, demangled.
#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "coact/runtime.hpp"

namespace coact::detail {

std::string describe_actor(const context* c) {
    std::string out;
    const std::string_view name = c->name();
    if (!name.empty()) {
        out.reserve(name.size() + 2);
        out.push_back('\'');
        out.append(name);
        out.push_back('\'');
    } else {
        out = "<anonymous #";
        out.append(std::to_string(detail_access::serial(*c)));
        out.push_back('>');
    }
    return out;
}

std::string core::describe_locked(const context& c) {
    std::string who;
    c.core_->names.locked([&] { who = describe_actor(&c); });
    return who;
}

std::string describe_exception(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        std::string type = type_name(typeid(x));
        std::string what = x.what();
        if (what.rfind(type + ":", 0) == 0) return what;  // our errors already name their type
        return type + ": " + what;
    } catch (const generator_exit&) {
        return "coact::generator_exit";
    } catch (...) {
        return "an exception of unknown type";
    }
}

std::string describe_runtime(const core* k) { return "runtime #" + std::to_string(k->id); }

const char* type_name(const std::type_info& type) noexcept {
    static std::mutex mutex;
    static std::unordered_map<const std::type_info*, std::string> cache;
    try {
        std::lock_guard lock(mutex);
        auto it = cache.find(&type);
        if (it != cache.end()) return it->second.c_str();
        int status = 0;
        std::unique_ptr<char, void (*)(void*)> name(
            abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
        std::string readable = status == 0 && name ? name.get() : type.name();
        if (readable ==
            "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >") {
            readable = "std::string";
        }
        return cache.emplace(&type, std::move(readable)).first->second.c_str();
    } catch (...) {
        return type.name();
    }
}

}  // namespace coact::detail
