// Webhook URL checks (SSRF): private ranges in every spelling, schemes, credentials, length,
// resolution, and the allow_private switch of test mode.
#include "notify/url_check.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "core/error.h"

namespace remit::notify {
namespace {

bool private_ip(const char* ip) {
  sockaddr_in6 a6{};
  sockaddr_in a4{};
  if (inet_pton(AF_INET, ip, &a4.sin_addr) == 1) {
    a4.sin_family = AF_INET;
    return is_private_address(reinterpret_cast<sockaddr*>(&a4));
  }
  EXPECT_EQ(inet_pton(AF_INET6, ip, &a6.sin6_addr), 1) << ip;
  a6.sin6_family = AF_INET6;
  return is_private_address(reinterpret_cast<sockaddr*>(&a6));
}

TEST(UrlCheck, PrivateAddresses) {
  for (const char* ip :
       {"0.0.0.0", "127.0.0.1", "127.255.0.9", "10.0.0.1", "10.255.255.255", "172.16.0.1",
        "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.255",
        "224.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "febf::1", "fc00::1",
        "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.1.1",
        "::127.0.0.1", "64:ff9b::10.0.0.1", "2002:c0a8:0101::1"})
    EXPECT_TRUE(private_ip(ip)) << ip;
}

TEST(UrlCheck, PublicAddresses) {
  for (const char* ip : {"93.184.216.34", "8.8.8.8", "172.15.255.255", "172.32.0.1",
                         "100.63.255.255", "100.128.0.1", "169.253.1.1", "192.169.0.1",
                         "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34",
                         "64:ff9b::8.8.8.8", "2002:5db8:d822::1"})
    EXPECT_FALSE(private_ip(ip)) << ip;
}

std::string refusal(const std::string& url, bool allow_private = false) {
  try {
    validate_webhook_url(url, allow_private, "endpoint_url");
    return "";
  } catch (const Error& e) {
    EXPECT_EQ(e.code, Code::InvalidArgument);
    EXPECT_EQ(e.field, "endpoint_url");
    return e.what();
  }
}

TEST(UrlCheck, RefusedUrls) {
  for (const char* url : {
           "http://127.0.0.1/hook", "http://127.0.0.1:8080/hook", "https://10.1.2.3/",
           "http://172.16.0.5/", "http://172.31.9.9/", "http://192.168.0.10/x",
           "http://169.254.169.254/latest/meta-data", "http://100.64.1.1/", "http://0.0.0.0/",
           "http://[::1]/", "http://[fe80::1]/", "http://[fc00::1]/", "http://[::ffff:127.0.0.1]/",
           "http://[::ffff:7f00:1]/", "http://localhost/", "http://LOCALHOST:3000/",
           "http://api.localhost/", "http://localhost./", "http://2130706433/",
           "http://0x7f.0.0.1/", "http://127.1/"})
    EXPECT_NE(refusal(url), "") << url;
  EXPECT_NE(refusal("http://127.0.0.1/").find("private"), std::string::npos);
}

TEST(UrlCheck, RefusedShapes) {
  EXPECT_NE(refusal("ftp://93.184.216.34/"), "");
  EXPECT_NE(refusal("file:///etc/passwd"), "");
  EXPECT_NE(refusal("gopher://93.184.216.34/"), "");
  EXPECT_NE(refusal("93.184.216.34/hook"), "");
  EXPECT_NE(refusal(""), "");
  EXPECT_NE(refusal("https://user:pass@93.184.216.34/"), "");
  EXPECT_NE(refusal("https://user@93.184.216.34/"), "");
  EXPECT_NE(refusal("https://93.184.216.34/a b"), "");
  EXPECT_NE(refusal("https://93.184.216.34/\r\nX: y"), "");
  EXPECT_NE(refusal("https:///path"), "");
  EXPECT_NE(refusal("https://93.184.216.34/" + std::string(2048, 'a')), "");
  EXPECT_NE(refusal("https://does-not-exist.invalid/hook").find("does not resolve"),
            std::string::npos);
  EXPECT_NE(refusal("https://does-not-exist.invalid/hook", true).find("does not resolve"),
            std::string::npos);
}

TEST(UrlCheck, AcceptedUrls) {
  EXPECT_EQ(refusal("https://93.184.216.34/hooks/remit"), "");
  EXPECT_EQ(refusal("http://93.184.216.34:8443/hooks?x=1#frag"), "");
  EXPECT_EQ(refusal("https://[2606:2800:220:1:248:1893:25c8:1946]/"), "");
  std::string max = "https://93.184.216.34/";
  max += std::string(2048 - max.size(), 'a');
  EXPECT_EQ(refusal(max), "");
}

TEST(UrlCheck, AllowPrivateAcceptsLoopbackButNotOtherShapes) {
  EXPECT_EQ(refusal("http://127.0.0.1:9000/hook", true), "");
  EXPECT_EQ(refusal("http://[::1]:9000/hook", true), "");
  EXPECT_EQ(refusal("http://localhost:9000/hook", true), "");
  EXPECT_EQ(refusal("http://10.0.0.1/hook", true), "");
  EXPECT_NE(refusal("ftp://127.0.0.1/", true), "");
  EXPECT_NE(refusal("http://u:p@127.0.0.1/", true), "");
}

}  // namespace
}  // namespace remit::notify
