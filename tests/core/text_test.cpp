// Text as people type it: trimmed, read as strict UTF-8, and clean (valid, no control
// characters) or not.
#include "core/text.h"

#include <gtest/gtest.h>

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

TEST(Text, CleanTextIsValidUtf8WithoutControlCharacters) {
  EXPECT_TRUE(clean_text("José Núñez, 王小明"));
  EXPECT_TRUE(clean_text(""));
  for (std::string_view bad : {"Bob\tLee", "Bob\nLee", "Bob\x7F", "Bob\u0085", "Bob\xC3", "Bob\xFF"})
    EXPECT_FALSE(clean_text(bad)) << bad;
}

}  // namespace
}  // namespace remit
