// cluster/src/subjects.cpp — building and checking a cluster's NATS subjects.
#include "coact/cluster/subjects.hpp"

#include <string>

namespace coact {

namespace {

bool segment_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

[[noreturn]] void bad(std::string_view what, std::string_view text, std::string_view why) {
    throw cluster_error(std::string(what) + " '" + std::string(text) + "' " + std::string(why));
}

}  // namespace

void check_segment(std::string_view what, std::string_view text) {
    if (text.empty()) bad(what, text, "is empty");
    for (const char c : text) {
        if (!segment_char(c)) {
            bad(what, text, std::string("has '") + c + "': use letters, digits, '_' and '-' only");
        }
    }
}

void check_dotted(std::string_view what, std::string_view text) {
    if (text.empty()) bad(what, text, "is empty");
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = text.find('.', start);
        const std::string_view segment = text.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (segment.empty()) bad(what, text, "has an empty segment (two dots, or one at an end)");
        for (const char c : segment) {
            if (!segment_char(c)) {
                bad(what, text,
                    std::string("has '") + c +
                        "': use letters, digits, '_' and '-' in segments joined by dots");
            }
        }
        if (dot == std::string_view::npos) return;
        start = dot + 1;
    }
}

cluster_subjects::cluster_subjects(std::string_view cluster) {
    check_segment("cluster name", cluster);
    prefix_ = "coact.";
    prefix_ += cluster;
    prefix_ += '.';
}

std::string cluster_subjects::node_inbox(std::string_view node, std::uint64_t incarnation) const {
    check_segment("node name", node);
    return prefix_ + "n." + std::string(node) + "." + std::to_string(incarnation);
}

std::string cluster_subjects::replies(std::string_view node, std::uint64_t incarnation) const {
    check_segment("node name", node);
    return prefix_ + "r." + std::string(node) + "." + std::to_string(incarnation) + ".>";
}

std::string cluster_subjects::name(std::string_view actor_name) const {
    check_dotted("cluster actor name", actor_name);
    return prefix_ + "name." + std::string(actor_name);
}

std::string cluster_subjects::claims() const { return prefix_ + "claims.>"; }

std::string cluster_subjects::claim_of(std::string_view subject) const {
    const std::string start = prefix_ + "claims.";
    if (!subject.starts_with(start) || subject.size() == start.size()) return {};
    return std::string(subject.substr(start.size()));
}

std::string cluster_subjects::topic(std::string_view topic) const {
    if (topic == "*") return prefix_ + "t.>";
    if (topic.size() > 2 && topic.ends_with(".*")) {
        const std::string_view stem = topic.substr(0, topic.size() - 2);
        check_dotted("shared topic pattern", stem);
        return prefix_ + "t." + std::string(stem) + ".>";
    }
    check_dotted("shared topic", topic);
    return prefix_ + "t." + std::string(topic);
}

std::string cluster_subjects::heartbeat(std::string_view node) const {
    check_segment("node name", node);
    return prefix_ + "hb." + std::string(node);
}

std::string cluster_subjects::heartbeats() const { return prefix_ + "hb.*"; }

std::string cluster_subjects::probe(std::string_view node, std::uint64_t incarnation) const {
    check_segment("node name", node);
    return prefix_ + "ping." + std::string(node) + "." + std::to_string(incarnation);
}

bool topic_matches(std::string_view pattern, std::string_view topic) noexcept {
    if (pattern == "*") return true;
    if (pattern.size() > 2 && pattern.ends_with(".*")) {
        return topic.size() > pattern.size() - 1 &&
               topic.starts_with(pattern.substr(0, pattern.size() - 1));
    }
    return pattern == topic;
}

std::string cluster_subjects::probe(std::string_view node) const {
    check_segment("node name", node);
    return prefix_ + "ping." + std::string(node);
}

std::string cluster_subjects::topic_of(std::string_view subject) const {
    const std::string start = prefix_ + "t.";
    if (!subject.starts_with(start) || subject.size() == start.size()) {
        throw cluster_error("subject '" + std::string(subject) + "' is not a shared topic of " +
                            prefix_.substr(0, prefix_.size() - 1));
    }
    return std::string(subject.substr(start.size()));
}

}  // namespace coact
