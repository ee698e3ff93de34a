#include "rossum_accounts/core/json_numbers.hpp"

#include <nlohmann/json.hpp>

namespace ra {

namespace {

// Sees every number with its text; stops at the first integer literal parsed as a double.
class OversizedIntegerFinder : public nlohmann::json_sax<nlohmann::json> {
public:
    bool found = false;

    bool number_float(number_float_t, const string_t& text) override {
        // An integer literal has no fraction or exponent; the lexer made it a double only
        // because it does not fit 64 bits.
        found = text.find_first_of(".eE") == string_t::npos;
        return !found;
    }
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }
};

} // namespace

bool json_has_oversized_integer(std::string_view text) {
    OversizedIntegerFinder finder;
    try {
        nlohmann::json::sax_parse(text.begin(), text.end(), &finder);
    } catch (const nlohmann::json::exception&) {
        return finder.found;
    }
    return finder.found;
}

} // namespace ra
