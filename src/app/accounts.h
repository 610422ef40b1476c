#pragma once
// Customer accounts (A2), parent/child and bill-to-parent roll-up (A3), balances (C7).
#include "app/context.h"

namespace remit::app {

struct NewAccount {
  std::string number;  // unique per tenant; generated when empty
  std::string name;
  std::string last_name;
  std::string company;
  std::vector<std::string> emails;
  std::string address;
  std::string language = "en";
  std::optional<int64_t> parent_id;
  bool bill_to_parent = false;
  bool paperless = true;
};
Account create_account(Ctx& ctx, const NewAccount& a);
Account get_account(Ctx& ctx, int64_t id);  // NotFound outside the tenant
Page<Account> list_accounts(Ctx& ctx, const PageReq& page);

struct AccountPatch {
  std::optional<std::string> name, last_name, company, address, language, status;
  std::optional<std::vector<std::string>> emails;
  std::optional<bool> paperless;
};
Account update_account(Ctx& ctx, int64_t id, const AccountPatch& p);

Balance account_balance(Ctx& ctx, int64_t id);

// Email addresses as stored (accounts.emails, outbox.recipients): comma-separated.
std::vector<std::string> split_emails(const std::string& stored);

}  // namespace remit::app
