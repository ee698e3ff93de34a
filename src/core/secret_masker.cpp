#include "rossum_accounts/core/secret_masker.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace ra {

namespace {

// Shorter secrets would mask ordinary words; the password policy forbids them anyway.
constexpr std::size_t k_min_masked_length = 4;

std::string percent_encoded(std::string_view s, bool lower_hex, bool plus_for_space) {
    const char* digits = lower_hex ? "0123456789abcdef" : "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ' && plus_for_space) {
            out += '+';
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0x0F];
        }
    }
    return out;
}

constexpr const char* k_base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < s.size(); i += 3) {
        const auto n = (static_cast<unsigned char>(s[i]) << 16) |
                       (static_cast<unsigned char>(s[i + 1]) << 8) |
                       static_cast<unsigned char>(s[i + 2]);
        for (int shift : {18, 12, 6, 0})
            out += k_base64_alphabet[(n >> shift) & 0x3F];
    }
    const std::size_t rest = s.size() - i;
    if (rest > 0) {
        auto n = static_cast<unsigned char>(s[i]) << 16;
        if (rest == 2)
            n |= static_cast<unsigned char>(s[i + 1]) << 8;
        out += k_base64_alphabet[(n >> 18) & 0x3F];
        out += k_base64_alphabet[(n >> 12) & 0x3F];
        out += rest == 2 ? k_base64_alphabet[(n >> 6) & 0x3F] : '=';
        out += '=';
    }
    return out;
}

// The base64 characters that depend only on the secret when it starts `offset` bytes into the
// encoded data (as in base64("user:" + password)): the secret's bytes shift the alignment.
std::string base64_core(std::string_view secret, std::size_t offset) {
    const std::string encoded = base64(std::string(offset, '\0') + std::string(secret));
    const std::size_t first_bit = 8 * offset;
    const std::size_t end_bit = 8 * (offset + secret.size());
    const std::size_t first = (first_bit + 5) / 6;
    const std::size_t last = end_bit / 6; // exclusive
    if (last <= first)
        return {};
    return encoded.substr(first, last - first);
}

std::vector<std::string> forms_of(std::string_view secret) {
    std::vector<std::string> forms = {std::string(secret)};
    const nlohmann::json as_json = std::string(secret);
    const std::string escaped =
        as_json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::string escaped_ascii =
        as_json.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    forms.push_back(escaped.substr(1, escaped.size() - 2));
    forms.push_back(escaped_ascii.substr(1, escaped_ascii.size() - 2));
    forms.push_back(percent_encoded(secret, false, false));
    forms.push_back(percent_encoded(secret, true, false));
    forms.push_back(percent_encoded(secret, false, true));
    forms.push_back(base64(secret));
    for (std::size_t offset : {0, 1, 2})
        forms.push_back(base64_core(secret, offset));
    return forms;
}

} // namespace

void SecretMasker::add(std::string_view secret) {
    if (secret.size() < k_min_masked_length)
        return;
    std::lock_guard<std::mutex> lock(mutex_);
    // One password is often resolved for thousands of accounts: its forms are computed once.
    if (!secrets_.emplace(secret).second)
        return;
    for (std::string& form : forms_of(secret)) {
        if (form.size() < k_min_masked_length ||
            std::find(needles_.begin(), needles_.end(), form) != needles_.end())
            continue;
        needles_.push_back(std::move(form));
    }
    // Longest first, so a secret that contains another is replaced whole.
    std::stable_sort(
        needles_.begin(), needles_.end(),
        [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string SecretMasker::mask(std::string_view text) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out(text);
    for (const std::string& needle : needles_) {
        std::size_t pos = 0;
        while ((pos = out.find(needle, pos)) != std::string::npos) {
            out.replace(pos, needle.size(), "***");
            pos += 3;
        }
    }
    return out;
}

bool SecretMasker::empty() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return needles_.empty();
}

} // namespace ra
