// A page of users read from the answer's text with nlohmann's SAX interface: a plan against a
// large organization reads every user page, and building a JSON document per page and then
// copying it into LiveUser was most of the tool's CPU (docs/design.md §9.6). The checks and
// messages are those of parse_user_page, in the same order; only metadata is still a document,
// since it is kept whole.
#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/username.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fmt/format.h>
#include <utility>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
    void key(std::string_view k) { key_slot_ = &(*stack_.back())[std::string(k)]; }
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
    // The first groups_used of user.groups are the user's (the others keep their capacity for
    // the next user); the same for queues.
    std::size_t groups_used = 0, queues_used = 0;
    bool id_ok = false, url_ok = false, username_ok = false;
    bool first_name_bad = false, last_name_bad = false, email_bad = false, organization_bad = false,
         groups_bad = false, queues_bad = false, is_active_bad = false, deleted_bad = false,
         metadata_bad = false;
    // Whether the sieve keeps the user, as far as its username has been read; `skipped` when
    // groups, queues or metadata were checked but not kept because it did not.
    enum class Kept { unknown, yes, no } kept = Kept::unknown;
    bool skipped = false;

    // A new user object, with every field at parse_user's default. The strings keep their
    // capacity: a user the sieve drops costs no allocation. Every field of LiveUser is reset
    // here (the unit tests compare pages of users lacking different fields with the document).
    void start() {
        LiveUser& u = user;
        u.id = 0;
        for (std::string* text :
             {&u.url, &u.username, &u.first_name, &u.last_name, &u.email, &u.organization})
            text->clear();
        groups_used = queues_used = 0;
        u.is_active = true;
        u.deleted = false;
        if (!u.metadata.is_object() || !u.metadata.empty())
            u.metadata = json::object();
        u.metadata_inexact = false;
        id_ok = url_ok = username_ok = false;
        first_name_bad = last_name_bad = email_bad = organization_bad = groups_bad = queues_bad =
            is_active_bad = deleted_bad = metadata_bad = false;
        kept = Kept::unknown;
        skipped = false;
    }

    // The user, its lists cut to what was read; the draft is left to be started again.
    LiveUser take() {
        user.groups.resize(groups_used);
        user.queues.resize(queues_used);
        return std::move(user);
    }

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
    explicit UserPageReader(const UserSieve* sieve) : sieve_(sieve) {}

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
    // Strings and keys come as views from the fast scanner and as strings from nlohmann's
    // parser; either is read before the next event.
    bool string(string_t& v) { return string(std::string_view(v)); }
    bool string(std::string_view v) {
        string_ = v;
        return scalar(Scalar::string);
    }
    bool binary(binary_t& /*v*/) { return scalar(Scalar::other); }
    bool key(string_t& k) { return key(std::string_view(k)); }
    bool key(std::string_view k) {
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

    // A user the sieve keeps lost fields it had skipped (see judge).
    bool skipped_kept_user() const { return skipped_kept_user_; }

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
            builder_.value(std::string(string_));
    }

    // A value of the page object (a container when `container`); returns the frame it opens.
    Frame page_value(Scalar kind, bool container, bool is_object = false) {
        if (field_ == Field::results) {
            page_.results.clear();
            item_error_.reset();
            results_ok_ = container && !is_object;
            if (results_ok_ && sieve_ == nullptr)
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
                page_.next = std::string(string_);
            else
                page_.next.reset();
        }
    }

    void item_problem(Error e) {
        if (!item_error_)
            item_error_ = std::move(e);
    }

    // An optional string field: absent or null mean "".
    static void optional_string(Scalar kind, std::string_view string, std::string& out, bool& bad) {
        bad = kind != Scalar::null && kind != Scalar::string;
        if (kind == Scalar::string)
            out = string;
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
            if (d.url_ok)
                u.url = string_;
            break;
        case Field::username:
            d.username_ok = kind == Scalar::string;
            if (d.username_ok)
                u.username = string_;
            judge();
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
            d.groups_used = 0;
            d.groups_bad = kind != Scalar::null;
            break;
        case Field::queues:
            d.queues_used = 0;
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
        const bool groups = frames_.back() == Frame::groups;
        bool& bad = groups ? draft_.groups_bad : draft_.queues_bad;
        if (kind != Scalar::string) {
            bad = true;
            return;
        }
        if (draft_.kept == UserDraft::Kept::no) {
            draft_.skipped = true;
            return;
        }
        auto& list = groups ? draft_.user.groups : draft_.user.queues;
        std::size_t& used = groups ? draft_.groups_used : draft_.queues_used;
        if (used < list.size())
            list[used].assign(string_);
        else
            list.emplace_back(string_);
        ++used;
    }

    // The sieve's verdict on the username just read. A repeated "username" key may turn a user
    // it dropped into one it keeps after fields were skipped: the page is then read again.
    void judge() {
        if (sieve_ == nullptr)
            return;
        UserDraft& d = draft_;
        const bool keeps = d.username_ok && sieve_->keeps(d.user.username, fold_);
        if (keeps && d.kept == UserDraft::Kept::no && d.skipped)
            skipped_kept_user_ = true;
        d.kept = keeps ? UserDraft::Kept::yes : UserDraft::Kept::no;
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
                draft_.start();
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
            // A repeated key starts the list again: the count is what take() keeps, and the
            // strings keep their capacity.
            (groups ? draft_.groups_used : draft_.queues_used) = 0;
            (groups ? draft_.groups_bad : draft_.queues_bad) = false;
            return groups ? Frame::groups : Frame::queues;
        }
        if (field_ == Field::metadata && is_object) {
            draft_.metadata_bad = false;
            if (draft_.kept == UserDraft::Kept::no) {
                draft_.skipped = true;
                return Frame::skip; // any object is metadata: its content is not checked
            }
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
        else if (draft_.kept != UserDraft::Kept::no)
            page_.results.push_back(draft_.take());
    }

    const UserSieve* sieve_;
    std::string fold_; // the sieve's scratch
    bool skipped_kept_user_ = false;
    std::vector<Frame> frames_{Frame::root};
    Field field_ = Field::other;
    ValueBuilder builder_;
    UserDraft draft_;
    bool bool_ = false;
    std::int64_t integer_ = 0;
    std::string_view string_;
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
    bool string(std::string_view v) {
        if (!skips_value())
            builder_.value(std::string(v)); // only a kept string is built
        return true;
    }
    bool binary(binary_t& /*v*/) { return scalar(nullptr); }
    bool key(string_t& k) { return key(std::string_view(k)); }
    bool key(std::string_view k) {
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
    // A skipped value, or a document that is not an object.
    bool skips_value() { return skip_ > 0 || std::exchange(drop_next_, false) || depth_ == 0; }
    template <class V>
    bool scalar(V&& v) {
        if (!skips_value())
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
        // Most answers are compact: one compare sees that no space is here.
        while (p_ != end_ && static_cast<unsigned char>(*p_) <= ' ' &&
               (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
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
        case '"': {
            std::string_view text;
            return string(text) && handler_.string(text);
        }
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
            std::string_view key;
            if (p_ == end_ || *p_ != '"' || !string(key) || !handler_.key(key))
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

    // Moves p_ past the plain bytes at it, eight at a time while a word holds none of the others
    // (a quote, a backslash, a control character, a byte of a multi-byte character): most of a
    // page is string bytes.
    void skip_plain() {
#if defined(__SSE2__)
        // Sixteen bytes at a time: a signed compare below 0x20 catches the control characters
        // and every byte from 0x80 at once.
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                      space = _mm_set1_epi8(0x20);
        while (end_ - p_ >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
            const __m128i others =
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                             _mm_cmplt_epi8(v, space));
            const auto mask = static_cast<unsigned>(_mm_movemask_epi8(others));
            if (mask != 0) {
                p_ += std::countr_zero(mask);
                return;
            }
            p_ += 16;
        }
#endif
        constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
        // The high bit of each byte that is zero; none is missed, and a false one stands only
        // above (after, in memory order on a little-endian machine) a true one.
        auto zero_bytes = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
        while (end_ - p_ >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p_, sizeof word);
            const std::uint64_t others = zero_bytes(word ^ (ones * '"')) |
                                         zero_bytes(word ^ (ones * '\\')) |
                                         ((word - ones * 0x20) & ~word & highs) | (word & highs);
            if (others != 0) {
                if constexpr (std::endian::native == std::endian::little)
                    p_ += std::countr_zero(others) / 8;
                break;
            }
            p_ += 8;
        }
        while (p_ != end_ && k_plain.plain[static_cast<unsigned char>(*p_)])
            ++p_;
    }

    // The string at p_ (its opening quote) into `out`: a view of the text when the string holds
    // no escape (valid while the text is), else of text_ (valid until the next string).
    bool string(std::string_view& out) {
        const char* start = ++p_;
        bool escaped = false;
        for (;;) {
            skip_plain();
            if (p_ == end_)
                return false;
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                if (escaped)
                    text_.append(start, static_cast<std::size_t>(p_ - start));
                out = escaped ? std::string_view(text_)
                              : std::string_view(start, static_cast<std::size_t>(p_ - start));
                ++p_;
                return true;
            }
            if (c >= 0x80) {
                const std::size_t n = utf8_length();
                if (n == 0)
                    return false;
                p_ += n;
            } else if (c == '\\') {
                if (!escaped)
                    text_.clear();
                escaped = true;
                text_.append(start, static_cast<std::size_t>(p_ - start));
                if (!escape())
                    return false;
                start = p_;
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

    static bool digit(char c) {
        return c >= '0' && c <= '9';
    }

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

std::optional<Result<Page<LiveUser>>> read_user_page(std::string_view text,
                                                     const UserSieve* sieve) {
    auto reader = scan<UserPageReader>(text, sieve);
    if (!reader)
        return std::nullopt;
    if (!reader->skipped_kept_user())
        return reader->result();
    // Read whole, then sieved: only an answer with a repeated "username" key comes here.
    auto whole = scan<UserPageReader>(text, static_cast<const UserSieve*>(nullptr));
    auto page = whole->result();
    if (page)
        std::erase_if(page->results, [&](const LiveUser& u) { return !sieve->keeps(u.username); });
    return page;
}

std::optional<nlohmann::json> read_object_fields(std::string_view text,
                                                 std::initializer_list<std::string_view> keys) {
    auto reader = scan<FieldsReader>(text, keys);
    if (!reader)
        return std::nullopt;
    return reader->result();
}

} // namespace ra
