#include "core/text.h"

#include <gtest/gtest.h>

#include <string>

namespace remit {
namespace {

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

}  // namespace
}  // namespace remit
