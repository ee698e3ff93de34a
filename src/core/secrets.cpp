#include "rossum_accounts/core/secrets.hpp"

#include <algorithm>
#include <cctype>

namespace ra {

namespace {

constexpr std::size_t k_min_password_chars = 12;
constexpr std::size_t k_max_password_chars = 64;

std::size_t utf8_length(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

} // namespace

std::optional<std::string> check_password_policy(std::string_view password,
                                                 std::string_view username) {
    const std::size_t length = utf8_length(password);
    if (length < k_min_password_chars)
        return "password is shorter than 12 characters";
    if (length > k_max_password_chars)
        return "password is longer than 64 characters";
    if (std::all_of(password.begin(), password.end(),
                    [](unsigned char c) { return std::isdigit(c) != 0; }))
        return "password consists only of digits";
    if (equal_ignoring_case(password, username))
        return "password is the same as the username";
    return std::nullopt;
}

Result<std::string> password_from_file_contents(std::string contents) {
    if (contents.size() >= 2 && contents.compare(contents.size() - 2, 2, "\r\n") == 0)
        contents.resize(contents.size() - 2);
    else if (!contents.empty() && contents.back() == '\n')
        contents.pop_back();
    if (contents.empty())
        return make_error(ErrorKind::invalid_input, "password file is empty");
    for (unsigned char c : contents) {
        if (c < 0x20 || c == 0x7F)
            return make_error(ErrorKind::invalid_input,
                              "password file contains a control character (only one trailing "
                              "newline is allowed)");
    }
    return contents;
}

} // namespace ra
