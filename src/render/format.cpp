#include "format.hpp"

#include "rossum_accounts/core/username.hpp"

#include <fmt/format.h>
#include <set>
#include <vector>

namespace ra::render {

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto u = static_cast<unsigned char>(text[i]);
        const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0U;
        if (u < 0x20 || u == 0x7f) {
            out += fmt::format("\\u{:04x}", u);
        } else if (u == 0xc2 && next >= 0x80 && next <= 0x9f) {
            // U+0080..U+009F: C1 controls, which some terminals obey (U+009B is CSI).
            out += fmt::format("\\u{:04x}", next);
            ++i;
        } else if (const auto invisible = invisible_character_at(text, i)) {
            // A right-to-left override or a zero-width space would make one username look like
            // another to a reviewer: shown as the escape, as a manifest must write it.
            out += invisible->code_point > 0xffff ? fmt::format("\\U{:08x}", invisible->code_point)
                                                  : fmt::format("\\u{:04x}", invisible->code_point);
            i += invisible->length - 1;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string show_value(const nlohmann::json& value) {
    if (value.is_array()) {
        std::string out = "[";
        for (std::size_t i = 0; i < value.size(); ++i) {
            out += (i == 0 ? "" : ", ") + show_value(value[i]);
        }
        return out + "]";
    }
    if (value.is_object()) {
        std::string out = "{";
        bool first = true;
        for (const auto& [key, item] : value.items()) {
            out += (first ? "" : ", ") + show_value(nlohmann::json(key)) + ": " + show_value(item);
            first = false;
        }
        return out + "}";
    }
    // dump() escapes only C0 controls; DEL and the C1 controls (U+009B is CSI) would reach the
    // terminal as they are.
    return printable(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string json_document(const nlohmann::json& value) {
    const std::string dumped = value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string out;
    out.reserve(dumped.size() + 1);
    append_json_dump(out, dumped);
    out += '\n';
    return out;
}

void append_json_dump(std::string& out, std::string_view dumped) {
    std::size_t run = 0; // the start of the bytes not copied yet (a plan runs to megabytes)
    for (std::size_t i = 0; i < dumped.size(); ++i) {
        const auto u = static_cast<unsigned char>(dumped[i]);
        if (u != 0x7f && u < 0xc2)
            continue;
        // Outside strings a dump is ASCII without DEL, so these bytes are inside a string, where
        // the escape stands for the same character. C1 controls are invisible characters too.
        if (u == 0x7f) {
            out.append(dumped, run, i - run);
            out += "\\u007f";
            run = i + 1;
        } else if (const auto invisible = invisible_character_at(dumped, i)) {
            out.append(dumped, run, i - run);
            const std::uint32_t c = invisible->code_point;
            if (c > 0xffff) // JSON escapes a character beyond the BMP as a surrogate pair
                out += fmt::format("\\u{:04x}\\u{:04x}", 0xd800 + ((c - 0x10000) >> 10),
                                   0xdc00 + ((c - 0x10000) & 0x3ff));
            else
                out += fmt::format("\\u{:04x}", c);
            i += invisible->length - 1;
            run = i + 1;
        }
    }
    out.append(dumped.substr(run));
}

std::string show_change_side(const FieldChange& change, const nlohmann::json& side) {
    if (change.field != "password") {
        return show_value(side);
    }
    const bool placeholder =
        side.is_string() && side.get_ref<const std::string&>().starts_with("(sensitive: ");
    return placeholder ? printable(side.get<std::string>()) : std::string("(sensitive)");
}

std::string queue_names_note(const FieldChange& change,
                             const std::map<std::int64_t, std::string>& names) {
    if (change.field != "queues" || names.empty())
        return {};
    std::vector<std::string> shown;
    std::set<std::int64_t> seen;
    for (const nlohmann::json* side : {&change.before, &change.after}) {
        if (!side->is_array())
            continue;
        for (const nlohmann::json& id : *side) {
            if (!id.is_number_integer() || !seen.insert(id.get<std::int64_t>()).second)
                continue;
            auto it = names.find(id.get<std::int64_t>());
            if (it != names.end())
                shown.push_back(fmt::format("{} {}", it->first, show_value(it->second)));
        }
    }
    return shown.empty() ? std::string() : "   # " + fmt::format("{}", fmt::join(shown, ", "));
}

char change_symbol(const FieldChange& change) {
    if (change.before.is_null()) {
        return '+';
    }
    return change.after.is_null() ? '-' : '~';
}

std::string paint(std::string_view text, const char* code, bool color) {
    if (!color) {
        return std::string(text);
    }
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

const char* symbol_color(char symbol) {
    switch (symbol) {
    case '+':
        return k_green;
    case '~':
        return k_yellow;
    case '-':
        return k_red;
    case '!':
        return k_yellow;
    default:
        return "0";
    }
}

const char* alert_cause(const FieldChange& change) {
    if (change.cause == Cause::drift || change.cause == Cause::conflict)
        return to_string(*change.cause);
    return nullptr;
}

AlertCount count_alerts(const Plan& plan) {
    AlertCount count;
    for (const Action& a : plan.actions)
        for (const FieldChange& c : a.changes) {
            count.drift += c.cause == Cause::drift ? 1 : 0;
            count.conflict += c.cause == Cause::conflict ? 1 : 0;
        }
    return count;
}

std::string count_noun(int count, std::string_view singular, std::string_view plural) {
    return fmt::format("{} {}", count, count == 1 ? singular : plural);
}

} // namespace ra::render
