#!/usr/bin/env python3
"""Test vectors for src/core/password_policy.cpp, computed by real Python.

Django's password validators (UserAttributeSimilarityValidator, MinimumLengthValidator with 12,
CommonPasswordValidator, NumericPasswordValidator) plus Rossum's 64-character maximum, ported
line for line from Django 5.2's django/contrib/auth/password_validation.py onto difflib and re,
with data/django-common-passwords.txt as the common-password list. The C++ unit test
"password policy: every vector computed by Python's difflib agrees" reads the JSON this writes.

  python3 password_policy_vectors.py           # rewrites tests/fixtures/password_policy_vectors.json
  python3 password_policy_vectors.py --check   # exits 1 when that file differs (run by ctest)
"""
import json
import re
import sys
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LIST = ROOT / "data" / "django-common-passwords.txt"
OUT = ROOT / "tests" / "fixtures" / "password_policy_vectors.json"
HEADER_END = "--- end of header ---\n"

MAX_SIMILARITY = 0.7
ATTRIBUTES = (("username", "username"), ("first_name", "first name"),
              ("last_name", "last name"), ("email", "email"))


def common_passwords():
    text = LIST.read_text(encoding="utf-8")
    body = text.split(HEADER_END, 1)[1]
    # CommonPasswordValidator.__init__: {x.strip() for x in f}
    return {x.strip() for x in body.splitlines(keepends=True)}


def exceeds_maximum_length_ratio(password, max_similarity, value):
    pwd_len = len(password)
    length_bound_similarity = max_similarity / 2 * pwd_len
    value_len = len(value)
    return pwd_len >= 10 * value_len and value_len < length_bound_similarity


def too_similar_to(password, user):
    password = password.lower()
    for attribute_name, verbose_name in ATTRIBUTES:
        value = user.get(attribute_name)
        if not value or not isinstance(value, str):
            continue
        value_lower = value.lower()
        value_parts = re.split(r"\W+", value_lower) + [value_lower]
        for value_part in value_parts:
            if exceeds_maximum_length_ratio(password, MAX_SIMILARITY, value_part):
                continue
            if SequenceMatcher(a=password, b=value_part).quick_ratio() >= MAX_SIMILARITY:
                return verbose_name
    return None


def violations(password, user, common):
    found = []
    if len(password) < 12:
        found.append({"rule": "too_short"})
    if len(password) > 64:
        found.append({"rule": "too_long"})
    attribute = too_similar_to(password, user)
    if attribute:
        found.append({"rule": "too_similar", "attribute": attribute})
    if password.lower().strip() in common:
        found.append({"rule": "too_common"})
    if password.isdigit():
        found.append({"rule": "entirely_numeric"})
    return found


# (why, password, attributes). Kept readable: every boundary the C++ code must get right.
CASES = [
    ("compliant", "Quiet-Harbour-Lantern-93", {"username": "svc.ingest@demo.example"}),
    ("the defect: on the list", "password1234", {"username": "bot@demo"}),
    ("upper case is lowered before the list", "PassWord1234", {}),
    ("12 characters by spaces, stripped to a short entry", "  password  ", {}),
    ("trailing spaces only", "password    ", {}),
    ("ideographic space is whitespace to strip()", "\u3000password1234\u3000", {}),
    ("\\x1c is whitespace to strip()", "\x1cpassword1234", {}),
    ("zero-width space is not whitespace", "\u200bpassword1234", {}),
    ("an entry with inner spaces", "Friend Of Emily", {}),
    ("an entry starting with #, padded", "    #1stunna", {}),
    ("a long entry", "1234567890qwertyuiop", {}),
    ("a Cyrillic entry (lower-cased)", "ПЇЅПЇЅПЇЅПЇЅПЇЅПЇЅ", {}),
    ("11 characters", "Xk7#mQ2$vL9", {}),
    ("12 characters", "Xk7#mQ2$vL9@", {}),
    ("64 characters", "Xk7#mQ2$vL9@" * 5 + "Zr4!", {}),
    ("65 characters", "Xk7#mQ2$vL9@" * 5 + "Zr4!w", {}),
    ("11 two-byte characters", "é" * 11, {}),
    ("12 two-byte characters", "éàüöñçøåßðþæ", {}),
    ("64 four-byte characters", "\U0001F600\U0001F680" * 32, {}),
    ("65 four-byte characters", "\U0001F600\U0001F680" * 32 + "\U0001F511", {}),
    ("a digit run, not on the list but entirely numeric", "123456789012", {}),
    ("all digits, not on the list", "918273645546", {}),
    ("Arabic-Indic digits are digits", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668"
     "\u0669\u0660\u0661\u0662", {}),
    ("superscript two is a digit to isdigit()", "\u00b2" * 12, {}),
    ("a Roman numeral is numeric but not a digit", "\u216b" * 12, {}),
    ("digits with a space are not entirely numeric", "91827364554 ", {}),
    ("short, common and numeric at once", "12345", {"username": "bot@demo"}),
    ("ratio exactly 0.7 (14/20) is too similar", "abcdefgxyzuv", {"username": "abcdefgh"}),
    ("ratio 0.6 (12/20) passes", "abcdefxyzuvw", {"username": "abcdefgh"}),
    ("ratio 0.6956 (16/23) passes", "abcdefghqrstu", {"username": "abcdefghxyz"}),
    ("ratio 0.7059 (12/17) is too similar", "zyxwvuabcdef", {"username": "abcdefz"}),
    ("the whole username only 0.65, a part 0.78", "svc.ingestion1",
     {"username": "svc.ingestion@demo.example"}),
    ("the username with another case", "JANE.DOE@DEMO1", {"username": "jane.doe@demo"}),
    ("the username reversed is as similar to quick_ratio", "omed@eod.enaj1",
     {"username": "jane.doe@demo"}),
    ("a part of the email split at . and @", "Example-Com1",
     {"username": "svc@demo", "email": "ops@example.com"}),
    ("the email as a whole", "ops@mycompany.com1", {"email": "ops@mycompany.com"}),
    ("the first name from the recipe", "System-User-42", {"first_name": "SYSTEM USER",
                                                          "last_name": "(DO NOT DELETE)"}),
    ("the last name from the recipe", "(do-not-delete)", {"first_name": "SYSTEM USER",
                                                          "last_name": "(DO NOT DELETE)"}),
    ("the username wins over the first name", "Integration-Bot1",
     {"username": "integration.bot", "first_name": "Integration Bot"}),
    ("empty attributes are skipped", "Quiet-Harbour-Lantern-93",
     {"username": "", "first_name": "", "last_name": "", "email": ""}),
    ("a 4-character part of a 40-character password is skipped (the 10x rule)",
     "abcd" + "Qw3!Er4@Ty5#Ui6$Op7%Zx8^Cv9&Bn" + "abcd!!", {"username": "abcd"}),
    ("a non-ASCII name is lowered and matched", "Ångström-Labs1", {"last_name": "ÅNGSTRÖM"}),
    ("non-ASCII letters are word characters: no part to match", "Hexagonal-12",
     {"first_name": "ÄÖÜßÄÖÜßhexagonal"}),
    ("combining accents are \\W: they split off a part that matches", "Hexagonal-12",
     {"first_name": "hexagonal" + "\u0301" * 8}),
    ("Greek final sigma lowered as Python does", "οδυσσευς-2024x", {"first_name": "ΟΔΥΣΣΕΥΣ"}),
    ("dotted capital I lowers to two code points", "İstanbul-Ofis7", {"first_name": "İSTANBUL"}),
    ("the Kelvin sign lowers to k", "\u212aatherine-42x", {"first_name": "katherine"}),
    ("underscores do not split", "svc_ingest_bot9", {"username": "svc_ingest_bot"}),
    ("emoji (outside the BMP) are \\W: they split off a part", "Hexagonal-12",
     {"first_name": "\U0001F600" * 8 + "hexagonal"}),
    ("the username itself", "Robot@Example", {"username": "robot@example"}),
]
# Every ASCII character, as what follows "hexagonal" in a long first name: a \W character splits
# off the part "hexagonal", which the password matches; a word character leaves one long part.
CASES += [("ASCII %d after a part" % code, "Hexagonal-12",
           {"first_name": "hexagonal" + chr(code) + "qqqqqqqqqqqqqqqqqqqqqqqq"})
          for code in range(128)]


def vectors():
    common = common_passwords()
    return [{"why": why, "password": password, "attributes": attributes,
             "violations": violations(password, attributes, common)}
            for why, password, attributes in CASES]


def main():
    text = json.dumps({"generated_by": "tests/unit/core/password_policy_vectors.py",
                       "vectors": vectors()}, ensure_ascii=False, indent=1) + "\n"
    if "--check" in sys.argv[1:]:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"FAIL {OUT.relative_to(ROOT)} is not what Python computes; "
                  f"run {Path(__file__).relative_to(ROOT)}")
            return 1
        print(f"ok {len(CASES)} password policy vectors agree with Python's difflib")
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
