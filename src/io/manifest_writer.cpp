#include "rossum_accounts/io/manifest_writer.hpp"

#include "rossum_accounts/core/username.hpp"

#include <fmt/format.h>
#include <string_view>
#include <yaml-cpp/yaml.h>

namespace ra {
namespace {

void optional_string(YAML::Emitter& out, const char* key, const std::optional<std::string>& v) {
    if (v)
        out << YAML::Key << key << YAML::Value << YAML::DoubleQuoted << *v;
}

void write_account(YAML::Emitter& out, const Account& a) {
    out << YAML::BeginMap;
    out << YAML::Key << "username" << YAML::Value << YAML::DoubleQuoted << a.username;
    optional_string(out, "first_name", a.first_name);
    optional_string(out, "last_name", a.last_name);
    optional_string(out, "email", a.email);
    out << YAML::Key << "groups" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& g : a.groups)
        out << g;
    out << YAML::EndSeq;
    if (a.queues) {
        out << YAML::Key << "queues" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (auto q : *a.queues)
            out << q;
        out << YAML::EndSeq;
    }
    out << YAML::Key << "active" << YAML::Value << a.active;
    out << YAML::EndMap;
}

} // namespace

std::string write_manifest_yaml(const std::vector<Account>& accounts,
                                const std::vector<std::string>& comment) {
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetBoolFormat(YAML::TrueFalseBool);
    out << YAML::BeginMap;
    out << YAML::Key << "version" << YAML::Value << 1;
    out << YAML::Key << "accounts" << YAML::Value;
    if (accounts.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    } else {
        out << YAML::BeginSeq;
        for (const auto& a : accounts)
            write_account(out, a);
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;
    std::string text;
    for (const auto& line : comment)
        text += "# " + line + "\n";
    // yaml-cpp escapes C0 and C1 controls in double-quoted scalars but writes DEL and the
    // invisible characters (a right-to-left override in a first name, say) as they are; every
    // value is double-quoted (keys, role names and numbers are ASCII without DEL), so the YAML
    // escape stands for the same character and nothing raw reaches a terminal or a diff.
    const std::string_view yaml(out.c_str());
    for (std::size_t i = 0; i < yaml.size(); ++i) {
        if (yaml[i] == '\x7f') {
            text += "\\x7f";
        } else if (const auto invisible = invisible_character_at(yaml, i)) {
            text += invisible->code_point > 0xffff
                        ? fmt::format("\\U{:08x}", invisible->code_point)
                        : fmt::format("\\u{:04x}", invisible->code_point);
            i += invisible->length - 1;
        } else {
            text += yaml[i];
        }
    }
    text += "\n";
    return text;
}

} // namespace ra
