#pragma once
// The pieces every email of the outbox is composed with (notify/email.cpp), shared by the
// files that compose one kind each. Not part of notify's public surface.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/context.h"
#include "app/env.h"
#include "app/outbox.h"
#include "notify/mime.h"

namespace remit::notify::detail {

// A catalog phrase with named arguments filled in: "{number}" etc.
std::string fill(std::string_view pattern,
                 const std::vector<std::pair<const char*, std::string>>& args);

// The message from its template data `d`: the tenant's footer added, the text and HTML parts
// of template `name` (.txt, .html), the attachments, the row's Message-ID and recipients.
app::OutgoingMail finish(const app::Env& env, const app::Ctx& ctx, const app::OutboxRec& row,
                         boost::json::object& d, std::string_view name,
                         std::vector<Attachment> attachments);

// The evening payment digest to the tenant's billing inbox (payment_digest_email.cpp).
app::OutgoingMail compose_digest_email(const app::Env& env, app::Ctx& ctx,
                                       const app::OutboxRec& row);
// The notice of a cheque refund to a closed account's contacts (cheque_refund_email.cpp).
app::OutgoingMail compose_cheque_refund_email(const app::Env& env, app::Ctx& ctx,
                                              const app::OutboxRec& row);

// The portal's sign-in code (portal_code_email.cpp).
app::OutgoingMail compose_portal_code_email(const app::Env& env, app::Ctx& ctx,
                                            const app::OutboxRec& row);
// An owner's invitation to the portal (portal_invitation_email.cpp).
app::OutgoingMail compose_portal_invitation_email(const app::Env& env, app::Ctx& ctx,
                                                  const app::OutboxRec& row);

}  // namespace remit::notify::detail
