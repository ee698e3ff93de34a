// A page of users read from the answer's text with nlohmann's SAX interface: a plan against a
// large organization reads every user page, and building a JSON document per page and then
// copying it into LiveUser was most of the tool's CPU (docs/design.md §9.6). The checks and
// messages are those of parse_user_page, in the same order; only metadata is still a document,
// since it is kept whole.
#include "rossum_accounts/core/live.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

namespace ra {
namespace {

// The page size the client asks for (page_size=100); a page's results are reserved for it.
constexpr std::size_t k_usual_page_size = 100;

using nlohmann::json;

Error protocol_error(const char* what, const char* problem) {
    return make_error(ErrorKind::protocol,
                      fmt::format("unexpected {} from the API: {}", what, problem));
}

// Builds one JSON value from SAX events, as nlohmann's own DOM parser does (a repeated key
// keeps its last value).
class ValueBuilder {
public:
    // Starts a new value; `root` is the container just opened (an object or an array).
    void begin(json root) {
        root_ = std::move(root);
        stack_.assign(1, &root_);
    }
    template <class V>
    void value(V&& v) {
        *slot() = std::forward<V>(v);
    }
    void open(json container) { stack_.push_back(slot(std::move(container))); }
    void key(std::string& k) { key_slot_ = &(*stack_.back())[std::move(k)]; }
    // Closes a container; true when the root itself was closed.
    bool close() {
        stack_.pop_back();
        return stack_.empty();
    }
    json take() { return std::move(root_); }

private:
    json* slot(json v = nullptr) {
        json& top = *stack_.back();
        if (top.is_array()) {
            top.push_back(std::move(v));
            return &top.back();
        }
        *key_slot_ = std::move(v);
        return key_slot_;
    }

    json root_;
    std::vector<json*> stack_;
    json* key_slot_ = nullptr;
};

// What one user's fields were, as parse_user judges them: a field is absent, of the wrong type,
// or read. A repeated key counts by its last value.
struct UserDraft {
    LiveUser user;
    bool id_ok = false, url_ok = false, username_ok = false;
    bool first_name_bad = false, last_name_bad = false, email_bad = false, organization_bad = false,
         groups_bad = false, queues_bad = false, is_active_bad = false, deleted_bad = false,
         metadata_bad = false;

    // parse_user's order of checks, so the first problem named is the same.
    std::optional<Error> problem() const {
        const char* what = "user";
        if (!id_ok)
            return protocol_error(what, "\"id\" is missing or not an integer");
        if (!url_ok)
            return protocol_error(what, "\"url\" is missing or not a string");
        if (!username_ok)
            return protocol_error(what, "\"username\" is missing or not a string");
        if (first_name_bad)
            return protocol_error(what, "\"first_name\" is not a string");
        if (last_name_bad)
            return protocol_error(what, "\"last_name\" is not a string");
        if (email_bad)
            return protocol_error(what, "\"email\" is not a string");
        if (organization_bad)
            return protocol_error(what, "\"organization\" is not a URL");
        if (groups_bad)
            return protocol_error(what, "\"groups\" is not a list of URLs");
        if (queues_bad)
            return protocol_error(what, "\"queues\" is not a list of URLs");
        if (is_active_bad)
            return protocol_error(what, "\"is_active\" is not a boolean");
        if (deleted_bad)
            return protocol_error(what, "\"deleted\" is not a boolean");
        if (metadata_bad)
            return protocol_error(what, "\"metadata\" is not an object");
        return std::nullopt;
    }
};

enum class Field {
    other,
    id,
    url,
    username,
    first_name,
    last_name,
    email,
    organization,
    groups,
    queues,
    is_active,
    deleted,
    metadata,
    results,
    pagination,
    total,
    total_pages,
    next
};

// Every key of every user passes here: by length first, then one comparison.
Field user_field(std::string_view k) {
    auto is = [&](std::string_view name, Field field) { return k == name ? field : Field::other; };
    switch (k.size()) {
    case 2:
        return is("id", Field::id);
    case 3:
        return is("url", Field::url);
    case 5:
        return is("email", Field::email);
    case 6:
        return k == "groups" ? Field::groups : is("queues", Field::queues);
    case 7:
        return is("deleted", Field::deleted);
    case 8:
        return k == "username" ? Field::username : is("metadata", Field::metadata);
    case 9:
        return k == "last_name" ? Field::last_name : is("is_active", Field::is_active);
    case 10:
        return is("first_name", Field::first_name);
    case 12:
        return is("organization", Field::organization);
    default:
        return Field::other;
    }
}

// A count as parse_page reads it: an integer (an unsigned one is cast, as get<int64_t> does).
struct Count {
    bool integer = false;
    std::int64_t value = 0;
};

// The SAX handler. Frames say what the innermost open container is; `field_` names the key whose
// value comes next in an object frame.
class UserPageReader {
public:
    using number_integer_t = json::number_integer_t;
    using number_unsigned_t = json::number_unsigned_t;
    using number_float_t = json::number_float_t;
    using string_t = json::string_t;
    using binary_t = json::binary_t;

    bool null() { return scalar(Scalar::null); }
    bool boolean(bool v) {
        bool_ = v;
        return scalar(Scalar::boolean);
    }
    bool number_integer(number_integer_t v) {
        integer_ = v;
        if (frames_.back() != Frame::metadata)
            return scalar(Scalar::integer);
        builder_.value(v);
        return true;
    }
    bool number_unsigned(number_unsigned_t v) {
        integer_ = static_cast<std::int64_t>(v);
        if (frames_.back() != Frame::metadata)
            return scalar(Scalar::integer);
        builder_.value(v);
        return true;
    }
    bool number_float(number_float_t v, const string_t& /*text*/) {
        if (frames_.back() != Frame::metadata)
            return scalar(Scalar::other);
        builder_.value(v);
        return true;
    }
    bool string(string_t& v) {
        string_ = &v;
        return scalar(Scalar::string);
    }
    bool binary(binary_t& /*v*/) { return scalar(Scalar::other); }
    bool key(string_t& k) {
        switch (frames_.back()) {
        case Frame::metadata:
            builder_.key(k);
            break;
        case Frame::page:
            field_ = k == "results" ? Field::results
                                    : (k == "pagination" ? Field::pagination : Field::other);
            break;
        case Frame::pagination:
            field_ = k == "total"
                         ? Field::total
                         : (k == "total_pages" ? Field::total_pages
                                               : (k == "next" ? Field::next : Field::other));
            break;
        case Frame::user:
            field_ = user_field(k);
            break;
        default:
            break;
        }
        return true;
    }
    bool start_object(std::size_t /*size*/) { return open(true); }
    bool start_array(std::size_t /*size*/) { return open(false); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool parse_error(std::size_t /*at*/, const std::string& /*token*/,
                     const nlohmann::detail::exception& /*e*/) {
        return false;
    }

    // parse_page's order of checks over what was read.
    Result<Page<LiveUser>> result() {
        const char* page_of = "page of users";
        if (!page_is_object_)
            return protocol_error(page_of, "not a JSON object");
        if (!results_ok_)
            return protocol_error(page_of, "\"results\" is missing or not a list");
        if (!pagination_ok_)
            return protocol_error(page_of, "\"pagination\" is missing or not an object");
        if (!total_.integer || total_.value < 0)
            return protocol_error(page_of, "\"pagination.total\" is not a count");
        if (!total_pages_.integer || total_pages_.value < 0)
            return protocol_error(page_of, "\"pagination.total_pages\" is not a count");
        if (next_bad_)
            return protocol_error(page_of, "\"pagination.next\" is not a URL");
        if (item_error_)
            return *item_error_;
        page_.total = total_.value;
        page_.total_pages = total_pages_.value;
        return std::move(page_);
    }

private:
    enum class Frame { root, page, results, pagination, user, groups, queues, metadata, skip };
    enum class Scalar { null, boolean, integer, string, other };

    bool scalar(Scalar kind) {
        switch (frames_.back()) {
        case Frame::root:
            page_is_object_ = false;
            break;
        case Frame::page:
            page_value(kind, false);
            break;
        case Frame::pagination:
            pagination_value(kind);
            break;
        case Frame::results:
            item_problem(protocol_error("user", "not a JSON object"));
            break;
        case Frame::user:
            user_value(kind);
            break;
        case Frame::groups:
        case Frame::queues:
            list_item(kind);
            break;
        case Frame::metadata:
            metadata_value(kind);
            break;
        case Frame::skip:
            break;
        }
        return true;
    }

    void metadata_value(Scalar kind) {
        if (kind == Scalar::null)
            builder_.value(nullptr);
        else if (kind == Scalar::boolean)
            builder_.value(bool_);
        else if (kind == Scalar::string)
            builder_.value(std::move(*string_));
    }

    // A value of the page object (a container when `container`); returns the frame it opens.
    Frame page_value(Scalar kind, bool container, bool is_object = false) {
        if (field_ == Field::results) {
            page_.results.clear();
            item_error_.reset();
            results_ok_ = container && !is_object;
            if (results_ok_)
                page_.results.reserve(k_usual_page_size);
            return results_ok_ ? Frame::results : Frame::skip;
        }
        if (field_ == Field::pagination) {
            pagination_ok_ = container && is_object;
            total_ = total_pages_ = Count{};
            next_bad_ = false;
            page_.next.reset();
            return pagination_ok_ ? Frame::pagination : Frame::skip;
        }
        (void)kind;
        return Frame::skip;
    }

    void pagination_value(Scalar kind) {
        if (field_ == Field::total || field_ == Field::total_pages) {
            Count& count = field_ == Field::total ? total_ : total_pages_;
            count = Count{kind == Scalar::integer, kind == Scalar::integer ? integer_ : 0};
        } else if (field_ == Field::next) {
            next_bad_ = kind != Scalar::null && kind != Scalar::string;
            if (kind == Scalar::string)
                page_.next = std::move(*string_);
            else
                page_.next.reset();
        }
    }

    void item_problem(Error e) {
        if (!item_error_)
            item_error_ = std::move(e);
    }

    // An optional string field: absent or null mean "".
    static void optional_string(Scalar kind, std::string* string, std::string& out, bool& bad) {
        bad = kind != Scalar::null && kind != Scalar::string;
        if (kind == Scalar::string)
            out = *string; // a copy: the scanner's buffer keeps its capacity (see user_value)
        else
            out.clear();
    }

    static void optional_bool(Scalar kind, bool value, bool fallback, bool& out, bool& bad) {
        bad = kind != Scalar::null && kind != Scalar::boolean;
        out = kind == Scalar::boolean ? value : fallback;
    }

    void user_value(Scalar kind) {
        UserDraft& d = draft_;
        LiveUser& u = d.user;
        switch (field_) {
        case Field::id:
            d.id_ok = kind == Scalar::integer;
            u.id = integer_;
            break;
        case Field::url:
            d.url_ok = kind == Scalar::string;
            // Copied, not moved: the scanner's buffer keeps its capacity for the strings that
            // are skipped (dates, settings), and the copy allocates once, at its exact size.
            if (d.url_ok)
                u.url = *string_;
            break;
        case Field::username:
            d.username_ok = kind == Scalar::string;
            if (d.username_ok)
                u.username = *string_;
            break;
        case Field::first_name:
            optional_string(kind, string_, u.first_name, d.first_name_bad);
            break;
        case Field::last_name:
            optional_string(kind, string_, u.last_name, d.last_name_bad);
            break;
        case Field::email:
            optional_string(kind, string_, u.email, d.email_bad);
            break;
        case Field::organization:
            optional_string(kind, string_, u.organization, d.organization_bad);
            break;
        case Field::groups:
            u.groups.clear();
            d.groups_bad = kind != Scalar::null;
            break;
        case Field::queues:
            u.queues.clear();
            d.queues_bad = kind != Scalar::null;
            break;
        case Field::is_active:
            optional_bool(kind, bool_, true, u.is_active, d.is_active_bad);
            break;
        case Field::deleted:
            optional_bool(kind, bool_, false, u.deleted, d.deleted_bad);
            break;
        case Field::metadata:
            d.metadata_bad = kind != Scalar::null;
            u.metadata = json::object();
            break;
        default:
            break;
        }
    }

    void list_item(Scalar kind) {
        bool& bad = frames_.back() == Frame::groups ? draft_.groups_bad : draft_.queues_bad;
        if (kind != Scalar::string) {
            bad = true;
            return;
        }
        auto& list = frames_.back() == Frame::groups ? draft_.user.groups : draft_.user.queues;
        list.push_back(*string_);
    }

    // A container opens: which frame it is follows from where it stands.
    bool open(bool is_object) {
        Frame frame = Frame::skip;
        switch (frames_.back()) {
        case Frame::root:
            page_is_object_ = is_object;
            frame = is_object ? Frame::page : Frame::skip;
            break;
        case Frame::page:
            frame = page_value(Scalar::other, true, is_object);
            break;
        case Frame::pagination:
            pagination_value(Scalar::other);
            break;
        case Frame::results:
            if (is_object) {
                draft_ = UserDraft{};
                frame = Frame::user;
            } else {
                item_problem(protocol_error("user", "not a JSON object"));
            }
            break;
        case Frame::user:
            frame = user_container(is_object);
            break;
        case Frame::groups:
        case Frame::queues:
            list_item(Scalar::other);
            break;
        case Frame::metadata:
            builder_.open(is_object ? json::object() : json::array());
            frame = Frame::metadata;
            break;
        case Frame::skip:
            break;
        }
        frames_.push_back(frame);
        return true;
    }

    Frame user_container(bool is_object) {
        if ((field_ == Field::groups || field_ == Field::queues) && !is_object) {
            bool groups = field_ == Field::groups;
            (groups ? draft_.user.groups : draft_.user.queues).clear();
            (groups ? draft_.groups_bad : draft_.queues_bad) = false;
            return groups ? Frame::groups : Frame::queues;
        }
        if (field_ == Field::metadata && is_object) {
            draft_.metadata_bad = false;
            builder_.begin(json::object());
            return Frame::metadata;
        }
        user_value(Scalar::other);
        return Frame::skip;
    }

    bool close() {
        const Frame frame = frames_.back();
        frames_.pop_back();
        if (frame == Frame::metadata && builder_.close())
            draft_.user.metadata = builder_.take();
        else if (frame == Frame::user)
            finish_user();
        return true;
    }

    void finish_user() {
        if (item_error_)
            return; // parse_page stops at the first bad item
        if (auto e = draft_.problem())
            item_problem(std::move(*e));
        else
            page_.results.push_back(std::move(draft_.user));
    }

    std::vector<Frame> frames_{Frame::root};
    Field field_ = Field::other;
    ValueBuilder builder_;
    UserDraft draft_;
    bool bool_ = false;
    std::int64_t integer_ = 0;
    std::string* string_ = nullptr;
    bool page_is_object_ = false, results_ok_ = false, pagination_ok_ = false, next_bad_ = false;
    Count total_, total_pages_;
    std::optional<Error> item_error_;
    Page<LiveUser> page_;
};

// Builds the document of a JSON object with only some of its top-level fields; the values of the
// others are skipped, never built. A document that is not an object becomes an empty array.
class FieldsReader {
public:
    using number_integer_t = json::number_integer_t;
    using number_unsigned_t = json::number_unsigned_t;
    using number_float_t = json::number_float_t;
    using string_t = json::string_t;
    using binary_t = json::binary_t;

    explicit FieldsReader(std::initializer_list<std::string_view> keys) : keys_(keys) {}

    bool null() { return scalar(nullptr); }
    bool boolean(bool v) { return scalar(v); }
    bool number_integer(number_integer_t v) { return scalar(v); }
    bool number_unsigned(number_unsigned_t v) { return scalar(v); }
    bool number_float(number_float_t v, const string_t& /*text*/) { return scalar(v); }
    bool string(string_t& v) { return scalar(std::move(v)); }
    bool binary(binary_t& /*v*/) { return scalar(nullptr); }
    bool key(string_t& k) {
        if (skip_ > 0)
            return true;
        if (depth_ == 1 && std::find(keys_.begin(), keys_.end(), k) == keys_.end()) {
            drop_next_ = true;
            return true;
        }
        builder_.key(k);
        return true;
    }
    bool start_object(std::size_t /*size*/) { return open(json::object()); }
    bool start_array(std::size_t /*size*/) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool parse_error(std::size_t /*at*/, const std::string& /*token*/,
                     const nlohmann::detail::exception& /*e*/) {
        return false;
    }

    json result() { return is_object_ ? builder_.take() : json::array(); }

private:
    template <class V>
    bool scalar(V&& v) {
        if (skip_ > 0 || std::exchange(drop_next_, false) || depth_ == 0)
            return true; // a skipped value, or a document that is not an object
        builder_.value(std::forward<V>(v));
        return true;
    }
    bool open(json container) {
        if (skip_ > 0 || std::exchange(drop_next_, false)) {
            ++skip_;
            return true;
        }
        if (depth_ == 0) {
            is_object_ = container.is_object();
            if (!is_object_) {
                skip_ = 1;
                return true;
            }
            builder_.begin(std::move(container));
        } else {
            builder_.open(std::move(container));
        }
        ++depth_;
        return true;
    }
    bool close() {
        if (skip_ > 0) {
            --skip_;
            return true;
        }
        --depth_;
        builder_.close();
        return true;
    }

    std::vector<std::string_view> keys_;
    ValueBuilder builder_;
    int depth_ = 0, skip_ = 0;
    bool drop_next_ = false, is_object_ = false;
};

// A strict JSON scanner for the common shape of an answer, sending the same SAX events as
// nlohmann's parser, about ten times faster: nlohmann's lexer copies every byte twice and was
// most of a large plan's CPU (docs/design.md §9.6). It gives up (returns false) on anything it
// does not handle exactly as nlohmann does: any syntax error, a fraction or exponent, an integer
// of more than 18 digits, a \u escape, nesting deeper than 64. The caller then parses the text
// again with nlohmann, so those cases keep nlohmann's answer, errors included.
template <class Handler>
class FastScanner {
public:
    FastScanner(std::string_view text, Handler& handler)
        : p_(text.data()), end_(text.data() + text.size()), handler_(handler) {}

    bool run() {
        if (!value(0))
            return false;
        skip_space();
        return p_ == end_;
    }

private:
    static constexpr int k_max_depth = 64;

    void skip_space() {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
            ++p_;
    }

    bool literal(std::string_view word) {
        if (static_cast<std::size_t>(end_ - p_) < word.size() ||
            std::string_view(p_, word.size()) != word)
            return false;
        p_ += word.size();
        return true;
    }

    bool value(int depth) {
        skip_space();
        if (p_ == end_)
            return false;
        switch (*p_) {
        case '{':
            return depth < k_max_depth && object(depth + 1);
        case '[':
            return depth < k_max_depth && array(depth + 1);
        case '"':
            return string() && handler_.string(text_);
        case 't':
            return literal("true") && handler_.boolean(true);
        case 'f':
            return literal("false") && handler_.boolean(false);
        case 'n':
            return literal("null") && handler_.null();
        default:
            return number();
        }
    }

    bool object(int depth) {
        ++p_;
        if (!handler_.start_object(static_cast<std::size_t>(-1)))
            return false;
        skip_space();
        if (p_ != end_ && *p_ == '}') {
            ++p_;
            return handler_.end_object();
        }
        for (;;) {
            skip_space();
            if (p_ == end_ || *p_ != '"' || !string() || !handler_.key(text_))
                return false;
            skip_space();
            if (p_ == end_ || *p_ != ':')
                return false;
            ++p_;
            if (!value(depth))
                return false;
            skip_space();
            if (p_ == end_)
                return false;
            if (*p_ == '}') {
                ++p_;
                return handler_.end_object();
            }
            if (*p_++ != ',')
                return false;
        }
    }

    bool array(int depth) {
        ++p_;
        if (!handler_.start_array(static_cast<std::size_t>(-1)))
            return false;
        skip_space();
        if (p_ != end_ && *p_ == ']') {
            ++p_;
            return handler_.end_array();
        }
        for (;;) {
            if (!value(depth))
                return false;
            skip_space();
            if (p_ == end_)
                return false;
            if (*p_ == ']') {
                ++p_;
                return handler_.end_array();
            }
            if (*p_++ != ',')
                return false;
        }
    }

    static bool in(unsigned char c, unsigned char low, unsigned char high) {
        return c >= low && c <= high;
    }

    // The length of the well-formed UTF-8 sequence at p_ (RFC 3629, the ranges nlohmann's
    // lexer accepts), or 0.
    std::size_t utf8_length() const {
        const auto left = end_ - p_;
        const auto* u = reinterpret_cast<const unsigned char*>(p_);
        auto cont = [&](std::ptrdiff_t i, unsigned char low = 0x80, unsigned char high = 0xBF) {
            return i < left && in(u[i], low, high);
        };
        const unsigned char c = u[0];
        if (in(c, 0xC2, 0xDF))
            return cont(1) ? 2 : 0;
        if (c == 0xE0)
            return cont(1, 0xA0, 0xBF) && cont(2) ? 3 : 0;
        if (in(c, 0xE1, 0xEC) || in(c, 0xEE, 0xEF))
            return cont(1) && cont(2) ? 3 : 0;
        if (c == 0xED)
            return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
        if (c == 0xF0)
            return cont(1, 0x90, 0xBF) && cont(2) && cont(3) ? 4 : 0;
        if (in(c, 0xF1, 0xF3))
            return cont(1) && cont(2) && cont(3) ? 4 : 0;
        if (c == 0xF4)
            return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
        return 0;
    }

    // The bytes a string takes as they are: printable ASCII but the quote and the backslash.
    struct PlainBytes {
        bool plain[256] = {};
        constexpr PlainBytes() {
            for (int c = 0x20; c < 0x80; ++c)
                plain[c] = c != '"' && c != '\\';
        }
    };
    static constexpr PlainBytes k_plain{};

    // The string at p_ (its opening quote) into text_.
    bool string() {
        ++p_;
        text_.clear();
        for (;;) {
            const char* run = p_;
            while (p_ != end_ && k_plain.plain[static_cast<unsigned char>(*p_)])
                ++p_;
            text_.append(run, static_cast<std::size_t>(p_ - run));
            if (p_ == end_)
                return false;
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                ++p_;
                return true;
            }
            if (c >= 0x80) {
                const std::size_t n = utf8_length();
                if (n == 0)
                    return false;
                text_.append(p_, n);
                p_ += n;
            } else if (c == '\\') {
                if (!escape())
                    return false;
            } else {
                return false; // a control character
            }
        }
    }

    bool escape() {
        if (end_ - p_ < 2)
            return false;
        static constexpr std::string_view from = "\"\\/bfnrt", to = "\"\\/\b\f\n\r\t";
        const auto at = from.find(p_[1]);
        if (at == std::string_view::npos)
            return false; // \u, or not an escape
        text_.push_back(to[at]);
        p_ += 2;
        return true;
    }

    static bool digit(char c) { return c >= '0' && c <= '9'; }

    bool number() {
        const bool negative = *p_ == '-';
        if (negative)
            ++p_;
        const char* first = p_;
        if (p_ == end_ || !digit(*p_))
            return false;
        if (*p_ == '0')
            ++p_;
        else
            while (p_ != end_ && digit(*p_))
                ++p_;
        const auto digits = p_ - first;
        if (digits > 18 || (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')))
            return false;
        std::int64_t v = 0;
        for (const char* d = first; d != p_; ++d)
            v = v * 10 + (*d - '0');
        // As nlohmann's lexer: a leading minus makes a signed integer, else an unsigned one.
        return negative ? handler_.number_integer(-v)
                        : handler_.number_unsigned(static_cast<std::uint64_t>(v));
    }

    const char* p_;
    const char* end_;
    Handler& handler_;
    std::string text_;
};

// The fast scanner, and nlohmann's parser where it gives up; nullopt when the text is not JSON.
template <class Reader, class... Args>
std::optional<Reader> scan(std::string_view text, const Args&... args) {
    {
        Reader reader(args...);
        if (FastScanner<Reader>(text, reader).run())
            return reader;
    }
    Reader reader(args...);
    try {
        if (!json::sax_parse(text.begin(), text.end(), &reader))
            return std::nullopt;
    } catch (const json::exception&) {
        return std::nullopt;
    }
    return reader;
}

} // namespace

std::optional<Result<Page<LiveUser>>> read_user_page(std::string_view text) {
    auto reader = scan<UserPageReader>(text);
    if (!reader)
        return std::nullopt;
    return reader->result();
}

std::optional<nlohmann::json> read_object_fields(std::string_view text,
                                                 std::initializer_list<std::string_view> keys) {
    auto reader = scan<FieldsReader>(text, keys);
    if (!reader)
        return std::nullopt;
    return reader->result();
}

} // namespace ra
