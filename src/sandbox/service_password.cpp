// Changing one's own password and asking for a reset mail (docs/rossum-api.md §2.9).
#include "sandbox/password_policy.hpp"
#include "sandbox/service.hpp"

namespace ra::sandbox {

namespace {

// A field of `body` that must be a non-empty string; "" with the message in `errors` otherwise.
std::string required_string(const nlohmann::json& body, const char* field, nlohmann::json& errors) {
    if (!body.contains(field) || body[field].is_null()) {
        errors[field].push_back(body.contains(field) ? "This field may not be null."
                                                     : "This field is required.");
        return {};
    }
    if (!body[field].is_string()) {
        errors[field].push_back("Not a valid string.");
        return {};
    }
    std::string text = body[field].get<std::string>();
    if (text.empty()) {
        errors[field].push_back("This field may not be blank.");
    }
    return text;
}

// Django's EmailValidator in outline: one @, a non-empty local part without spaces, and a
// domain with a dot between non-empty labels. Enough to refuse what is plainly not an address.
bool looks_like_email(const std::string& text) {
    const auto at = text.find('@');
    if (at == std::string::npos || at == 0 || text.find('@', at + 1) != std::string::npos ||
        text.find_first_of(" \t\r\n") != std::string::npos) {
        return false;
    }
    const std::string domain = text.substr(at + 1);
    const auto dot = domain.rfind('.');
    return dot != std::string::npos && dot > 0 && dot + 1 < domain.size() &&
           domain.find("..") == std::string::npos && domain.front() != '.';
}

} // namespace

// Django's PasswordChangeForm: the old password first, then the two new ones must agree, then
// the policy judges the new one against the caller's own attributes. Errors go under the
// field Django names; nothing is changed unless every check passes. Tokens stay valid: the
// docs do not say that a change ends them (docs/rossum-api.md §2.9).
Reply Service::change_password(const ApiRequest& request, const User& caller) {
    Reply failure;
    auto body = json_body(request, failure);
    if (!body) {
        return failure;
    }
    nlohmann::json errors = nlohmann::json::object();
    const std::string old_password = required_string(*body, "old_password", errors);
    const std::string new_password1 = required_string(*body, "new_password1", errors);
    const std::string new_password2 = required_string(*body, "new_password2", errors);
    if (!errors.empty()) {
        return json_reply(400, errors);
    }
    if (!caller.password || *caller.password != old_password) {
        errors["old_password"].push_back(
            "Your old password was entered incorrectly. Please enter it again.");
    }
    if (new_password1 != new_password2) {
        errors["new_password2"].push_back("The two password fields didn\u2019t match.");
    } else {
        const PasswordAttributes attributes{caller.username, caller.first_name, caller.last_name,
                                            caller.email};
        for (const auto& problem : password_problems(new_password2, attributes)) {
            errors["new_password2"].push_back(problem);
        }
    }
    if (!errors.empty()) {
        return json_reply(400, errors);
    }
    User* stored = world_.user(caller.id);
    stored->password = new_password2;
    // The docs answer with the user object.
    return json_reply(200, user_json(*stored));
}

// The answer is the same whether or not a user has the address, so the endpoint cannot be
// used to find out who has an account (docs/rossum-api.md §2.9).
Reply Service::reset_password(const ApiRequest& request) {
    Reply failure;
    auto body = json_body(request, failure);
    if (!body) {
        return failure;
    }
    nlohmann::json errors = nlohmann::json::object();
    const std::string email = required_string(*body, "email", errors);
    if (errors.empty() && !looks_like_email(email)) {
        errors["email"].push_back("Enter a valid email address.");
    }
    if (!errors.empty()) {
        return json_reply(400, errors);
    }
    PasswordReset reset{email, {}};
    for (const auto& [id, user] : world_.users()) {
        // Django's PasswordResetForm: a case-insensitive match among active users.
        if (!user.deleted && user.is_active && ascii_lower(user.email) == ascii_lower(email)) {
            reset.users.push_back(id);
        }
    }
    password_resets_.push_back(std::move(reset));
    return detail_reply(200, "Password reset e-mail has been sent.");
}

nlohmann::json Service::password_resets() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& reset : password_resets_) {
        list.push_back({{"email", reset.email}, {"users", reset.users}});
    }
    return {{"password_resets", list}};
}

} // namespace ra::sandbox
