// Standard Webhooks signatures: the published test vector, secret format, bad secrets.
#include "notify/webhook_signature.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace remit::notify {
namespace {

// The vector of the Standard Webhooks reference libraries (libraries/go/webhook_test.go,
// TestWebhookSign; the same one appears in Svix's libraries).
TEST(WebhookSignature, ReproducesTheStandardWebhooksVector) {
  EXPECT_EQ(sign_webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                         1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, PrefixIsOptional) {
  EXPECT_EQ(sign_webhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                         1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, EveryPartIsSigned) {
  std::string s = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  auto base = sign_webhook(s, "msg_1", 100, "{}");
  EXPECT_NE(base, sign_webhook(s, "msg_2", 100, "{}"));
  EXPECT_NE(base, sign_webhook(s, "msg_1", 101, "{}"));
  EXPECT_NE(base, sign_webhook(s, "msg_1", 100, "{ }"));
  EXPECT_EQ(base, sign_webhook(s, "msg_1", 100, "{}"));
}

TEST(WebhookSignature, NewSecretsAreWellFormedAndDistinct) {
  auto a = new_webhook_secret(), b = new_webhook_secret();
  EXPECT_NE(a, b);
  ASSERT_TRUE(a.starts_with("whsec_"));
  EXPECT_EQ(a.size(), 6u + 32u);  // 24 bytes -> 32 base64 chars
  auto sig = sign_webhook(a, "msg_1", 1, "x");
  EXPECT_TRUE(sig.starts_with("v1,"));
  EXPECT_EQ(sig.size(), 3u + 44u);
}

TEST(WebhookSignature, BadSecretNamesTheField) {
  for (const char* bad : {"whsec_", "", "whsec_not base64!", "whsec_@@@@"}) {
    try {
      sign_webhook(bad, "m", 1, "b");
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code, Code::InvalidArgument);
      EXPECT_EQ(e.field, "secret");
    }
  }
}

}  // namespace
}  // namespace remit::notify
