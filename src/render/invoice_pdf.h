#pragma once
// C5: an invoice as a printable PDF, in the account's language.
#include <string>

#include "app/models.h"

namespace remit::render {

// Returns the bytes of a US Letter PDF of `invoice` as sent by `tenant` to `account`:
// provider and remit-to address, invoice facts, bill-to, the line table (split over as many
// pages as needed, header repeated), the totals and how to pay.
// Language: account.language ("zh-CN" -> Simplified Chinese, else English); money in
// tenant.currency. Text is laid out by Pango with embedded fonts (DejaVu Sans, or Noto Sans
// CJK SC for Chinese; fontconfig substitutes if one is missing).
// Pure: reads no clock or store, and the same input gives the same bytes. Safe to call from
// several threads at once (Pango's cairo font map is per thread).
// Throws remit::Error(Code::Internal) only if Cairo itself fails (e.g. out of memory).
std::string render_invoice_pdf(const app::Tenant& tenant, const app::Account& account,
                               const app::Invoice& invoice);

// A day's print batch of paper statements: for each (account, invoice), an address sheet
// placed for a #10 double-window envelope, then the invoice's pages.
std::string render_print_batch(const app::Tenant& tenant,
                               const std::vector<std::pair<app::Account, app::Invoice>>& items);

}  // namespace remit::render
