// Names in NACHA files: any holder's or company's name folds to the file's character set
// (printable ASCII, upper case), Latin letters with diacritics to their base letters, anything
// else to a blank, so no name can make the day's bank file fail.
#include "domain/ach_text.h"

#include <gtest/gtest.h>

namespace remit::domain {
namespace {

TEST(NachaText, LatinLettersFoldToTheirBaseLetters) {
  EXPECT_EQ(ach_text("José Núñez"), "JOSE NUNEZ");
  EXPECT_EQ(ach_text("Jürgen Weiß"), "JURGEN WEISS");
  EXPECT_EQ(ach_text("Ærøskøbing Æble"), "AEROSKOBING AEBLE");
  EXPECT_EQ(ach_text("Łukasz Żółć"), "LUKASZ ZOLC");
  EXPECT_EQ(ach_text("François Œuvre"), "FRANCOIS OEUVRE");
  EXPECT_EQ(ach_text("Þórr Ðaði"), "THORR DADI");
  EXPECT_EQ(ach_text("Ÿvonne Ĳsselmeer ÿ"), "YVONNE IJSSELMEER Y");
  EXPECT_EQ(ach_text("Dvořák Šťastný"), "DVORAK STASTNY");
  EXPECT_EQ(ach_text("ÀÁÂÃÄÅ àáâãäå ÇçÈéÊëÌíÎïÑñÒóÔõÖöØøÙúÛüÝý"),
            "AAAAAA AAAAAA CCEEEEIIIINNOOOOOOOOUUUUYY");
}

TEST(NachaText, CombiningAccentsAreDropped) {
  EXPECT_EQ(ach_text("Jose\u0301 Nun\u0303ez"), "JOSE NUNEZ");  // decomposed (NFD)
}

TEST(NachaText, AnythingElseIsABlankAndBlanksAreCollapsedAndTrimmed) {
  EXPECT_EQ(ach_text("O'Brien-Smith & Co."), "O'BRIEN-SMITH & CO.");
  EXPECT_EQ(ach_text("  Ana\tMaria\x01  de\u00A0la\r\nCruz  "), "ANA MARIA DE LA CRUZ");
  EXPECT_EQ(ach_text("王小明 Wang"), "WANG");
  EXPECT_EQ(ach_text("王小明"), "");
  EXPECT_EQ(ach_text("Zoë × Øle ÷ 2 \u0085end"), "ZOE OLE 2 END");  // ×, ÷ and NEL are no letters
  EXPECT_EQ(ach_text("Ren\xC3"), "REN");                          // cut UTF-8
  EXPECT_EQ(ach_text("A\xFF\xFE" "B\xC0\xAF" "C\xED\xA0\x80" "D"), "A B C D");  // invalid, overlong, surrogate
  EXPECT_EQ(ach_text("Ǆemal Ωmega"), "EMAL MEGA");  // beyond Latin Extended-A: a blank
}

}  // namespace
}  // namespace remit::domain
