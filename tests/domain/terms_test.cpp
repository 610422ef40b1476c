// Payment terms (C3): Net N days from the issue date, or due at the end of the issue month.
#include "domain/terms.h"

#include <gtest/gtest.h>

#include "domain/test_dates.h"

namespace remit::domain {
namespace {
using test::D;
using test::S;

struct DueCase {
  Terms t;
  const char* issued;
  const char* want;
};

TEST(Terms, DueDate) {
  const DueCase cases[] = {
      {{Terms::Net, 15}, "2025-01-01", "2025-01-16"},  // ProCirrus
      {{Terms::Net, 15}, "2025-02-01", "2025-02-16"},
      {{Terms::Net, 15}, "2025-12-20", "2026-01-04"},
      {{Terms::Net, 30}, "2025-01-03", "2025-02-02"},  // West Central
      {{Terms::Net, 30}, "2024-02-01", "2024-03-02"},
      {{Terms::Net, 0}, "2025-05-05", "2025-05-05"},
      {{Terms::EndOfMonth, 0}, "2025-01-01", "2025-01-31"},  // DakotaPro
      {{Terms::EndOfMonth, 0}, "2025-02-01", "2025-02-28"},
      {{Terms::EndOfMonth, 0}, "2024-02-01", "2024-02-29"},
      {{Terms::EndOfMonth, 0}, "2025-04-01", "2025-04-30"},
      {{Terms::EndOfMonth, 0}, "2025-01-31", "2025-01-31"},
  };
  for (auto& c : cases) EXPECT_EQ(S(due_date(c.t, D(c.issued))), c.want) << terms_label(c.t) << " " << c.issued;
}

TEST(Terms, Labels) {
  EXPECT_EQ(terms_label({Terms::Net, 15}), "Net 15");
  EXPECT_EQ(terms_label({Terms::Net, 30}), "Net 30");
  EXPECT_EQ(terms_label({Terms::EndOfMonth, 0}), "Due end of month");
}

TEST(Terms, Parse) {
  Terms t;
  EXPECT_TRUE(parse_terms("net", 15, t));
  EXPECT_EQ(t.kind, Terms::Net);
  EXPECT_EQ(t.days, 15);
  EXPECT_TRUE(parse_terms("eom", 99, t));
  EXPECT_EQ(t.kind, Terms::EndOfMonth);
  EXPECT_TRUE(parse_terms("net", 0, t));
  EXPECT_TRUE(parse_terms("net", 365, t));
  Terms keep{Terms::Net, 7};
  for (auto [kind, days] : {std::pair{"net", -1}, {"net", 366}, {"weekly", 7}, {"", 30}, {"NET", 30}}) {
    EXPECT_FALSE(parse_terms(kind, days, keep)) << kind << " " << days;
    EXPECT_EQ(keep.days, 7);
  }
}

}  // namespace
}  // namespace remit::domain
