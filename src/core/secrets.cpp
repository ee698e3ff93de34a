#include "rossum_accounts/core/secrets.hpp"

namespace ra {

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
