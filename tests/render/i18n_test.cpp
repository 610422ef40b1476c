#include "render/i18n.h"

#include <gtest/gtest.h>

namespace remit::render {
namespace {

TEST(I18n, LanguageTags) {
  EXPECT_EQ(lang_of("zh-CN"), Lang::ZhCN);
  EXPECT_EQ(lang_of("zh"), Lang::ZhCN);
  EXPECT_EQ(lang_of("ZH_cn"), Lang::ZhCN);
  EXPECT_EQ(lang_of("en"), Lang::En);
  EXPECT_EQ(lang_of(""), Lang::En);
  EXPECT_EQ(lang_of("zu"), Lang::En);
}

TEST(I18n, MoneyEnglish) {
  struct Case { Minor m; const char* currency; const char* want; };
  for (auto c : {Case{0, "USD", "$0.00"}, Case{5, "USD", "$0.05"}, Case{123456, "USD", "$1,234.56"},
                 Case{-1200, "USD", "-$12.00"}, Case{100000000, "USD", "$1,000,000.00"},
                 Case{99999, "USD", "$999.99"}, Case{123456, "EUR", "EUR 1,234.56"},
                 Case{-50, "EUR", "-EUR 0.50"}, Case{123456, "CNY", "CNY 1,234.56"}})
    EXPECT_EQ(format_money(c.m, c.currency, Lang::En), c.want) << c.m << " " << c.currency;
}

TEST(I18n, MoneyChinese) {
  EXPECT_EQ(format_money(123456, "USD", Lang::ZhCN), "US$1,234.56");
  EXPECT_EQ(format_money(123456, "CNY", Lang::ZhCN), "¥1,234.56");
  EXPECT_EQ(format_money(-1200, "CNY", Lang::ZhCN), "-¥12.00");
  EXPECT_EQ(format_money(123456, "EUR", Lang::ZhCN), "EUR 1,234.56");
}

TEST(I18n, Dates) {
  EXPECT_EQ(format_date("2026-01-05", Lang::En), "Jan 5, 2026");
  EXPECT_EQ(format_date("2025-12-31", Lang::En), "Dec 31, 2025");
  EXPECT_EQ(format_date("2026-01-05", Lang::ZhCN), "2026年1月5日");
  EXPECT_EQ(format_date("not a date", Lang::En), "not a date");
  EXPECT_EQ(last_day("2026-03-01"), "2026-02-28");
  EXPECT_EQ(last_day("2024-03-01"), "2024-02-29");
}

TEST(I18n, PeriodsShowTheLastDayOfService) {
  EXPECT_EQ(format_period("2026-01-01", "2026-02-01", Lang::En), "Jan 1, 2026 – Jan 31, 2026");
  EXPECT_EQ(format_period("2026-01-01", "2026-02-01", Lang::ZhCN), "2026年1月1日 – 2026年1月31日");
  EXPECT_EQ(format_period("2026-01-20", "2026-01-21", Lang::En), "Jan 20, 2026");
  EXPECT_EQ(format_period("2026-01-20", "", Lang::En), "Jan 20, 2026");
  EXPECT_EQ(format_period("", "", Lang::En), "");
}

TEST(I18n, TermsAndStatus) {
  EXPECT_EQ(terms_text("Net 30", Lang::En), "Net 30");
  EXPECT_EQ(terms_text("Net 30", Lang::ZhCN), "30 天内付款");
  EXPECT_EQ(terms_text("Due end of month", Lang::ZhCN), "月底前付款");
  EXPECT_EQ(terms_text("Custom", Lang::ZhCN), "Custom");
  EXPECT_EQ(status_badge("open", Lang::En), "");
  EXPECT_EQ(status_badge("paid", Lang::En), "");
  EXPECT_EQ(status_badge("void", Lang::En), "VOID");
  EXPECT_EQ(status_badge("draft", Lang::ZhCN), "草稿");
}

}  // namespace
}  // namespace remit::render
