#include "rossum_accounts/render/plan_json.hpp"

#include "format.hpp"
#include "rossum_accounts/core/plan_json.hpp"

#include <algorithm>

namespace ra {

namespace {

// The actions are written straight out rather than built as one nlohmann document and dumped:
// for 10,000 actions the document and its dump cost more than reading 100,000 users. The bytes
// are those of json_document(plan_to_json(plan)): nlohmann's dump with indent 2, object keys in
// its (sorted) order, DEL and the C1 controls escaped; a unit test compares the two.
class ActionWriter {
public:
    explicit ActionWriter(std::string& out) : out_(out) {}

    // An action object whose closing brace is `indent` spaces in.
    void action(const Action& a, int indent) {
        out_ += "{\n";
        key("action", indent + 2);
        string(to_string(a.kind));
        next();
        key("changes", indent + 2);
        changes(a.changes, indent + 2);
        next();
        key("fingerprint", indent + 2);
        optional_string(a.fingerprint);
        next();
        key("password_source", indent + 2);
        value(password_source_to_json(a.password_source), indent + 2);
        next();
        key("source", indent + 2);
        string(a.source);
        next();
        key("user_id", indent + 2);
        if (a.user_id)
            out_ += std::to_string(*a.user_id);
        else
            out_ += "null";
        next();
        key("user_url", indent + 2);
        optional_string(a.user_url);
        next();
        key("username", indent + 2);
        string(a.username);
        next();
        key("warnings", indent + 2);
        strings(a.warnings, indent + 2);
        close('}', indent);
    }

private:
    void changes(const std::vector<FieldChange>& changes, int indent) {
        if (changes.empty()) {
            out_ += "[]";
            return;
        }
        out_ += "[\n";
        for (std::size_t i = 0; i < changes.size(); ++i) {
            if (i > 0)
                out_ += ",\n";
            spaces(indent + 2);
            change(changes[i], indent + 2);
        }
        close(']', indent);
    }

    void change(const FieldChange& c, int indent) {
        out_ += "{\n";
        key("after", indent + 2);
        value(c.after, indent + 2);
        next();
        key("before", indent + 2);
        value(c.before, indent + 2);
        next();
        if (c.cause) {
            key("cause", indent + 2);
            string(to_string(*c.cause));
            next();
        }
        key("field", indent + 2);
        string(c.field);
        close('}', indent);
    }

    void strings(const std::vector<std::string>& items, int indent) {
        if (items.empty()) {
            out_ += "[]";
            return;
        }
        out_ += "[\n";
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i > 0)
                out_ += ",\n";
            spaces(indent + 2);
            string(items[i]);
        }
        close(']', indent);
    }

    // Any JSON value, as nlohmann's serializer lays it out when its closing bracket is `indent`
    // spaces in.
    void value(const nlohmann::json& v, int indent) {
        switch (v.type()) {
        case nlohmann::json::value_t::null:
            out_ += "null";
            return;
        case nlohmann::json::value_t::string:
            string(v.get_ref<const std::string&>());
            return;
        case nlohmann::json::value_t::array:
            if (v.empty()) {
                out_ += "[]";
                return;
            }
            out_ += "[\n";
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (i > 0)
                    out_ += ",\n";
                spaces(indent + 2);
                value(v[i], indent + 2);
            }
            close(']', indent);
            return;
        case nlohmann::json::value_t::object: {
            if (v.empty()) {
                out_ += "{}";
                return;
            }
            out_ += "{\n";
            bool first = true;
            for (const auto& [name, item] : v.items()) {
                if (!first)
                    out_ += ",\n";
                first = false;
                spaces(indent + 2);
                string(name);
                out_ += ": ";
                value(item, indent + 2);
            }
            close('}', indent);
            return;
        }
        default: // booleans and numbers: nlohmann's own formatting
            render::append_json_dump(out_, v.dump());
            return;
        }
    }

    void optional_string(const std::string& s) {
        if (s.empty())
            out_ += "null";
        else
            string(s);
    }

    // Printable ASCII without quote or backslash is its own JSON string; anything else goes
    // through nlohmann's escaping (and its replacement of invalid UTF-8), then DEL and C1.
    void string(std::string_view s) {
        const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
        });
        if (plain) {
            out_ += '"';
            out_ += s;
            out_ += '"';
            return;
        }
        render::append_json_dump(
            out_, nlohmann::json(std::string(s))
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }

    void key(std::string_view name, int indent) {
        spaces(indent);
        out_ += '"';
        out_ += name;
        out_ += "\": ";
    }

    void next() { out_ += ",\n"; }

    void close(char bracket, int indent) {
        out_ += '\n';
        spaces(indent);
        out_ += bracket;
    }

    void spaces(int n) { out_.append(static_cast<std::size_t>(n), ' '); }

    std::string& out_;
};

} // namespace

std::string plan_json_text(const Plan& plan) {
    // The envelope is small and goes through the document as before; "actions" is the first of
    // its keys in nlohmann's order, so the streamed actions go right after the opening brace.
    const std::string envelope = render::json_document(plan_envelope_to_json(plan));
    std::string text;
    // About 1.5 kB per action (a create with its record): one reservation instead of a growth
    // by doubling.
    text.reserve(envelope.size() + 64 + plan.actions.size() * 1600);
    text += "{\n  \"actions\": ";
    if (plan.actions.empty()) {
        text += "[]";
    } else {
        text += "[\n";
        ActionWriter writer(text);
        for (std::size_t i = 0; i < plan.actions.size(); ++i) {
            if (i > 0)
                text += ",\n";
            text += "    ";
            writer.action(plan.actions[i], 4);
        }
        text += "\n  ]";
    }
    text += ',';
    text.append(envelope, 1); // "\n  \"api_url\": ..." to the end
    return text;
}

void render_plan_json(const Plan& plan, std::ostream& out) {
    out << plan_json_text(plan);
}

} // namespace ra
