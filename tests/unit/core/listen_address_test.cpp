#include "core/listen_address.h"

#include <gtest/gtest.h>

#include "core/host_port.h"

namespace tend {
namespace {

TEST(ListenAddressTest, ParsesTcpAndUnix) {
  auto a = parse_listen_address("tcp:127.0.0.1:8080", "web");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, ListenAddress::Kind::tcp);
  EXPECT_EQ(a->name, "web");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(a->text, "tcp:127.0.0.1:8080");
  auto any = parse_listen_address("tcp:0", "web");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->host, "0.0.0.0");
  EXPECT_EQ(any->text, "tcp:0.0.0.0:0");
  EXPECT_EQ(parse_listen_address("tcp:[::]:80", "w")->text, "tcp:[::]:80");
  auto u = parse_listen_address("api=unix:/run/app.sock", "web");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->kind, ListenAddress::Kind::unix_path);
  EXPECT_EQ(u->name, "api");
  EXPECT_EQ(u->path, "/run/app.sock");
}

TEST(ListenAddressTest, RefusesWhatCannotWork) {
  auto why = [](const std::string& text) { return parse_listen_address(text, "web").error().message; };
  EXPECT_NE(why("udp:53").find("expected tcp:HOST:PORT"), std::string::npos);
  EXPECT_NE(why("unix:rel.sock").find("must be absolute"), std::string::npos);
  EXPECT_NE(why("unix:/" + std::string(200, 'x')).find("longer than"), std::string::npos);
  EXPECT_NE(why("tcp:name.example:80").find("numeric"), std::string::npos);
  EXPECT_NE(why("a b=tcp:1").find("a name has no"), std::string::npos);
  EXPECT_NE(why("tcp:99999").find("out of range"), std::string::npos);
}

TEST(HostPortTest, FormatsBracketsForIpv6) {
  EXPECT_EQ(format_host_port("::1", 80), "[::1]:80");
  EXPECT_EQ(format_host_port("10.0.0.1", 80), "10.0.0.1:80");
  EXPECT_FALSE(parse_host_port("[::1]80", "x", 0).ok());
  EXPECT_FALSE(parse_host_port("1.2.3.4:", "x", 0).ok());
}

}  // namespace
}  // namespace tend
