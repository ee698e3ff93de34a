#pragma once
// Masks the secrets known to one run (passwords, tokens) in free text that can echo one: server
// error bodies, transport messages, Location headers, -v log lines, exception texts. Never used
// on data (plans, saved plans, export, report fields other than `error`): a value that happens
// to equal a secret is shown as it is, and the tool's own message templates are never masked,
// only the values put into them (docs/design.md, "Masking").

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ra {

// Owned by the run (cli main) and passed by reference to what composes free text. Thread-safe.
class SecretMasker {
public:
    SecretMasker() = default;
    SecretMasker(const SecretMasker&) = delete;
    SecretMasker& operator=(const SecretMasker&) = delete;

    // Registers a secret and its JSON-escaped, URL-encoded and base64 forms. Secrets under
    // 4 bytes are ignored: they would mask ordinary words.
    void add(std::string_view secret);
    // `text` with every registered form replaced by "***".
    std::string mask(std::string_view text) const;
    bool empty() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> needles_;           // longest first
    std::set<std::string, std::less<>> secrets_; // already added
};

} // namespace ra
