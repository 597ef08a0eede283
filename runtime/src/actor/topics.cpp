// The pub/sub table (see coact/detail/actor/topics.hpp).
#include "coact/detail/actor/topics.hpp"

#include <string>

#include "coact/detail/message/envelope.hpp"
#include "coact/errors.hpp"

namespace coact::detail {

namespace {

std::string quoted(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('"');
    out.append(s);
    out.push_back('"');
    return out;
}

}  // namespace

void throw_shared_move_only(const std::type_info& type) {
    throw bad_message(std::string("coact::bad_message: a published ") + type_name(type) +
                      " is shared with other subscribers and cannot be copied (the type is "
                      "move-only); take it by const& in a receive handler instead of by value");
}

void topic_table::check_publish_name(std::string_view topic, const char* caller) {
    if (topic.empty()) throw bad_topic(std::string(caller) + ": the topic name is empty");
    if (topic.find('*') != std::string_view::npos) {
        throw bad_topic(std::string(caller) + ": " + quoted(topic) +
                        " is a pattern; publish to a topic name (patterns are for subscribe)");
    }
}

void topic_table::check_subscribe_name(std::string_view topic, const char* caller) {
    if (topic.empty()) throw bad_topic(std::string(caller) + ": the topic name is empty");
    const std::size_t star = topic.find('*');
    if (star == std::string_view::npos) return;
    const bool last = star + 1 == topic.size();
    const bool whole_segment = star == 0 || topic[star - 1] == '.';
    if (!last || !whole_segment) {
        throw bad_topic(std::string(caller) + ": " + quoted(topic) +
                        " is not a valid pattern; `*` may only be the whole last segment, as in "
                        "\"prices.*\" or \"*\"");
    }
}

bool topic_table::subscribe(context* cell, std::uint32_t generation, std::string_view name) {
    auto it = topics_.find(name);
    if (it == topics_.end()) {
        auto fresh = std::make_unique<topic>();
        fresh->name = std::string(name);
        fresh->pattern = name.back() == '*';
        it = topics_.emplace(fresh->name, std::move(fresh)).first;
        if (it->second->pattern) ++patterns_;
    }
    topic* t = it->second.get();
    std::vector<subscription>& mine = by_actor_[cell];
    for (const subscription& s : mine) {
        if (s.where == t) return false;
    }
    try {  // reserve first: the two push_backs below then cannot fail half-way
        mine.reserve(mine.size() + 1);
        t->subs.reserve(t->subs.size() + 1);
    } catch (...) {
        if (mine.empty()) by_actor_.erase(cell);
        if (t->subs.empty()) {
            if (t->pattern) --patterns_;
            topics_.erase(t->name);
        }
        throw;
    }
    mine.push_back({t, t->subs.size()});
    t->subs.push_back({cell, generation});
    return true;
}

void topic_table::remove(std::vector<subscription>& mine, std::size_t k) noexcept {
    topic* t = mine[k].where;
    const std::size_t i = mine[k].index;
    // Swap the last subscriber into the hole and tell it where it sits now.
    if (i + 1 != t->subs.size()) {
        const subscriber moved = t->subs.back();
        t->subs[i] = moved;
        for (subscription& s : by_actor_.find(moved.cell)->second) {
            if (s.where == t) {
                s.index = i;
                break;
            }
        }
    }
    t->subs.pop_back();
    mine[k] = mine.back();
    mine.pop_back();
    if (t->subs.empty()) {
        if (t->pattern) --patterns_;
        topics_.erase(t->name);  // t is gone after this
    }
}

bool topic_table::unsubscribe(context* cell, std::string_view name) {
    auto mine = by_actor_.find(cell);
    if (mine == by_actor_.end()) return false;
    for (std::size_t k = 0; k < mine->second.size(); ++k) {
        if (mine->second[k].where->name == name) {
            remove(mine->second, k);
            if (mine->second.empty()) by_actor_.erase(mine);
            return true;
        }
    }
    return false;
}

void topic_table::unsubscribe_all(context* cell) noexcept {
    auto mine = by_actor_.find(cell);
    if (mine == by_actor_.end()) return;
    while (!mine->second.empty()) remove(mine->second, mine->second.size() - 1);
    by_actor_.erase(mine);
}

void topic_table::add_matches(const topic* t) {
    for (const subscriber& s : t->subs) {
        if (seen_.insert(s.cell).second) scratch_.push_back(s);
    }
}

std::span<const topic_table::subscriber> topic_table::subscribers(std::string_view name) {
    auto exact = topics_.find(name);
    const topic* exact_topic = exact == topics_.end() ? nullptr : exact->second.get();
    if (patterns_ == 0) {  // the common case: no copying, no set
        if (exact_topic == nullptr) return {};
        return exact_topic->subs;
    }
    scratch_.clear();
    seen_.clear();
    if (exact_topic != nullptr) add_matches(exact_topic);
    // Patterns from the most specific ("a.b.*" for "a.b.c") to the most general ("*").
    for (std::size_t dot = name.rfind('.'); dot != std::string_view::npos;
         dot = dot == 0 ? std::string_view::npos : name.rfind('.', dot - 1)) {
        key_.assign(name.substr(0, dot + 1));
        key_.push_back('*');
        if (auto it = topics_.find(key_); it != topics_.end()) add_matches(it->second.get());
    }
    if (auto it = topics_.find(std::string_view("*")); it != topics_.end())
        add_matches(it->second.get());
    return scratch_;
}

void topic_table::clear() noexcept {
    topics_.clear();
    by_actor_.clear();
    patterns_ = 0;
    scratch_.clear();
    seen_.clear();
}

}  // namespace coact::detail
