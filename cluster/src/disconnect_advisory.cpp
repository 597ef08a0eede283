// cluster/src/disconnect_advisory.cpp — reads the two fields of a disconnect advisory that
// liveness needs. A small JSON reader of its own: the advisory is the servers' and two strings
// of it are wanted, so a JSON library would be a new dependency of every program that links
// coact::cluster for no more than this. Anything it does not understand gives nothing.
#include "disconnect_advisory.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace coact {

namespace {

/// A cursor over the text; every read either moves past what it read or fails.
class reader {
  public:
    explicit reader(std::string_view text) : text_(text) {}

    void space() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' ||
                                      text_[at_] == '\n' || text_[at_] == '\r'))
            ++at_;
    }
    bool take(char c) {
        space();
        if (at_ >= text_.size() || text_[at_] != c) return false;
        ++at_;
        return true;
    }
    /// A string, its escapes decoded (\uXXXX as UTF-8: Go's encoder writes '<' as \u003c).
    std::optional<std::string> string() {
        if (!take('"')) return std::nullopt;
        std::string s;
        while (at_ < text_.size()) {
            const char c = text_[at_++];
            if (c == '"') return s;
            if (c != '\\') {
                s += c;
                continue;
            }
            if (at_ >= text_.size()) return std::nullopt;
            switch (const char e = text_[at_++]) {
                case '"':
                case '\\':
                case '/':
                    s += e;
                    break;
                case 'b':
                    s += '\b';
                    break;
                case 'f':
                    s += '\f';
                    break;
                case 'n':
                    s += '\n';
                    break;
                case 'r':
                    s += '\r';
                    break;
                case 't':
                    s += '\t';
                    break;
                case 'u': {
                    const std::optional<unsigned> u = hex4();
                    if (!u) return std::nullopt;
                    utf8(*u, s);  // a surrogate half stays as it is: only names are compared
                    break;
                }
                default:
                    return std::nullopt;
            }
        }
        return std::nullopt;
    }
    /// Skips one value of any kind (nesting bounded, so hostile input cannot exhaust the stack).
    bool skip(int depth = 0) {
        space();
        if (at_ >= text_.size() || depth > 32) return false;
        const char c = text_[at_];
        if (c == '"') return skip_string();
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++at_;
            if (take(close)) return true;
            do {
                if (c == '{' && (!skip_string_here() || !take(':'))) return false;
                if (!skip(depth + 1)) return false;
            } while (take(','));
            return take(close);
        }
        const std::size_t start = at_;  // a number, true, false or null
        while (at_ < text_.size() && text_[at_] != ',' && text_[at_] != '}' && text_[at_] != ']' &&
               text_[at_] != ' ' && text_[at_] != '\n' && text_[at_] != '\t' && text_[at_] != '\r')
            ++at_;
        return at_ > start;
    }
    /// Calls `field(key)` for each member of an object; `field` reads the value or skips it.
    template <class F>
    bool object(F&& field) {
        if (!take('{')) return false;
        if (take('}')) return true;
        do {
            const std::optional<std::string> key = string();
            if (!key || !take(':') || !field(*key)) return false;
        } while (take(','));
        return take('}');
    }
    bool done() {
        space();
        return at_ == text_.size();
    }

  private:
    std::optional<unsigned> hex4() {
        if (text_.size() - at_ < 4) return std::nullopt;
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = text_[at_++];
            v <<= 4U;
            if (h >= '0' && h <= '9') {
                v |= static_cast<unsigned>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
                v |= static_cast<unsigned>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
                v |= static_cast<unsigned>(h - 'A' + 10);
            } else {
                return std::nullopt;
            }
        }
        return v;
    }
    static void utf8(unsigned u, std::string& s) {
        if (u < 0x80U) {
            s += static_cast<char>(u);
        } else if (u < 0x800U) {
            s += static_cast<char>(0xC0U | (u >> 6U));
            s += static_cast<char>(0x80U | (u & 0x3FU));
        } else {
            s += static_cast<char>(0xE0U | (u >> 12U));
            s += static_cast<char>(0x80U | ((u >> 6U) & 0x3FU));
            s += static_cast<char>(0x80U | (u & 0x3FU));
        }
    }
    bool skip_string() {
        ++at_;  // the opening quote
        while (at_ < text_.size()) {
            const char c = text_[at_++];
            if (c == '"') return true;
            if (c == '\\' && at_ < text_.size()) ++at_;
        }
        return false;
    }
    bool skip_string_here() {
        space();
        return at_ < text_.size() && text_[at_] == '"' && skip_string();
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

// nats-server's names for closed connections (server/client.go, ClosedState) that mean the
// client will not come back on its own: its process ended or its link broke.
constexpr std::array<std::string_view, 4> gone_reasons{"Client Closed", "Read Error", "Write Error",
                                                       "Stale Connection"};

}  // namespace

bool client_disconnect::gone() const noexcept {
    for (const std::string_view g : gone_reasons) {
        if (reason == g) return true;
    }
    return false;
}

std::optional<client_disconnect> read_disconnect_advisory(std::string_view json) noexcept {
    try {
        reader r(json);
        std::optional<std::string> type;
        std::optional<std::string> name;
        std::optional<std::string> reason;
        const bool ok = r.object([&](const std::string& key) {
            if (key == "type") return static_cast<bool>(type = r.string());
            if (key == "reason") return static_cast<bool>(reason = r.string());
            if (key != "client") return r.skip();
            return r.object([&](const std::string& inner) {
                if (inner == "name") return static_cast<bool>(name = r.string());
                return r.skip();
            });
        });
        if (!ok || !r.done() || type != "io.nats.server.advisory.v1.client_disconnect" || !reason)
            return std::nullopt;
        // A client that gave no name (not a coact node) has none in the advisory.
        return client_disconnect{name.value_or(std::string{}), std::move(*reason)};
    } catch (...) {  // out of memory
        return std::nullopt;
    }
}

}  // namespace coact
