// Text as people type it: trimmed, read as strict UTF-8, and clean (valid, no control
// characters but a text area's tab and line breaks) or a clean line (none at all).
#include "core/text.h"

#include <gtest/gtest.h>

#include <string>

namespace remit {
namespace {

TEST(Text, TrimRemovesBlanksAtEitherEnd) {
  EXPECT_EQ(trim("  José Núñez \t\r\n"), "José Núñez");
  EXPECT_EQ(trim(" \t "), "");
}

TEST(Text, CodePointsAreReadStrictly) {
  std::string_view s = "a\u00e9\u20ac\U0001F600";
  size_t i = 0;
  EXPECT_EQ(next_code_point(s, i), U'a');
  EXPECT_EQ(next_code_point(s, i), U'\u00e9');
  EXPECT_EQ(next_code_point(s, i), U'\u20ac');
  EXPECT_EQ(next_code_point(s, i), U'\U0001F600');
  EXPECT_EQ(i, s.size());
  for (std::string_view bad : {"\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\x80"}) {
    size_t j = 0;
    EXPECT_EQ(next_code_point(bad, j), std::nullopt) << bad;
    EXPECT_EQ(j, 1u);
  }
}

TEST(Text, ValidUtf8IsAcceptedAndEveryMalformedSequenceRefused) {
  for (std::string ok : {"", "plain", "José Núñez", "上海市浦东新区", "emoji \xF0\x9F\x92\xB3", "\xEF\xBF\xBD"})
    EXPECT_TRUE(valid_utf8(ok)) << ok;
  for (std::string bad : {
           "\xFF\xFE",            // not UTF-8 at all
           "\xC0\xAF",            // overlong '/'
           "\xE0\x80\xAF",        // overlong, 3 bytes
           "\xED\xA0\x80",        // a UTF-16 surrogate
           "\xF4\x90\x80\x80",    // past U+10FFFF
           "caf\xC3",             // cut short
           "\xC3\x28",            // a lead byte without its continuation
           "\x80",                // a lone continuation byte
       })
    EXPECT_FALSE(valid_utf8(bad)) << testing::PrintToString(bad);
}

TEST(Text, CleanTextAllowsLineBreaksButNoOtherControl) {
  EXPECT_TRUE(clean_text("1 Main St\r\nSuite 2\tRear"));
  for (std::string bad : {std::string("a\0b", 3), std::string("\x1B[31m"), std::string("del\x7F"),
                          std::string("bell\x07"), std::string("\xFF")})
    EXPECT_FALSE(clean_text(bad)) << testing::PrintToString(bad);
}

TEST(Text, CleanLineHasNoControlCharacterAtAll) {
  EXPECT_TRUE(clean_line("José Núñez, 王小明"));
  EXPECT_TRUE(clean_line(""));
  for (std::string_view bad : {"Bob\tLee", "Bob\nLee", "Bob\x7F", "Bob\u0085", "Bob\xC3", "Bob\xFF"})
    EXPECT_FALSE(clean_line(bad)) << bad;
}

}  // namespace
}  // namespace remit
