#pragma once
// Words, money and dates as a reader of the invoice expects them, in English or Simplified
// Chinese. Kept apart from the layout so the strings can be tested (and reused by mail) alone.
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/money.h"

namespace remit::render {

enum class Lang { En, ZhCN };

// "zh-CN", "zh", "zh-Hans" (any case) -> ZhCN; anything else -> En.
Lang lang_of(std::string_view tag);

// Every fixed string on the invoice. Fields holding "{}" are fmt patterns.
struct Labels {
  std::string_view invoice, invoice_number, issue_date, due_date, terms, billing_period,
      account_number, bill_to, description, service_period, quantity, unit_price, amount,
      subtotal, credit_applied, credit_notes, payments, amount_due, remit_to,
      please_pay_by,      // {} = due date
      cite_number,        // {} = invoice number, asked for with the payment
      paid_in_full, continued, page_of,  // page_of: {} of {}
      draft, void_, uncollectible, test_mode;
};
const Labels& labels(Lang);

// The rest of the catalog: the strings of emails (and, later, portal pages), by key. Keys are
// names a template can use ({{t.mail_hello}}); values with "{name}" are fmt patterns with
// named arguments. The Labels above belong to the same catalog (templates see them as {{l.*}}).
struct Phrase {
  std::string_view key, en, zh;
};
std::span<const Phrase> phrases();
// The phrase in `lang`; Internal error for an unknown key (a programming error).
std::string_view phrase(std::string_view key, Lang lang);
// Visits every Labels field as (name, text), for templates.
void for_each_label(Lang lang, const std::function<void(std::string_view, std::string_view)>& f);

// en: "$1,234.56", "-$12.00", "EUR 1,234.56"; zh-CN: "US$1,234.56", "¥1,234.56" (CNY),
// "EUR 1,234.56". Two decimal places, as everywhere in Remit.
std::string format_money(Minor m, std::string_view currency, Lang);

// "2026-01-05" -> en "Jan 5, 2026", zh-CN "2026年1月5日". Text that is not a date is
// returned unchanged, so a bad record still prints rather than failing the whole PDF.
std::string format_date(std::string_view ymd, Lang);

// The last day covered by a half-open period [start, end_exclusive), as "YYYY-MM-DD";
// end_exclusive unchanged if it is not a date.
std::string last_day(std::string_view end_exclusive);

// "Jan 5, 2026 – Feb 4, 2026" for [start, end_exclusive); one date when the period is a
// single day; "" when start is empty.
std::string format_period(std::string_view start, std::string_view end_exclusive, Lang);

// Translates domain::terms_label() output ("Net 30", "Due end of month"); other text as is.
std::string terms_text(std::string_view terms, Lang);

// The badge shown beside the title: "" for open and paid invoices.
std::string status_badge(std::string_view status, Lang);

}  // namespace remit::render
