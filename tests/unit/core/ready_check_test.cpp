#include "core/ready_check.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

TEST(ReadyCheckTest, ParsesEveryKind) {
  EXPECT_EQ(parse_ready_check("none")->kind, ReadyKind::none);
  EXPECT_EQ(parse_ready_check("ipc")->kind, ReadyKind::ipc);
  EXPECT_EQ(parse_ready_check("notify")->kind, ReadyKind::notify);

  auto tcp = parse_ready_check("tcp:8080");
  ASSERT_TRUE(tcp.ok());
  EXPECT_EQ(tcp->kind, ReadyKind::tcp);
  EXPECT_EQ(tcp->host, "127.0.0.1");
  EXPECT_EQ(tcp->port, 8080);
  EXPECT_EQ(parse_ready_check("tcp:[::1]:9")->host, "::1");
  EXPECT_EQ(parse_ready_check("tcp:localhost:9")->host, "127.0.0.1");

  for (const char* text :
       {"http:http://127.0.0.1:8080/health?full=1", "http://127.0.0.1:8080/health?full=1"}) {
    auto http = parse_ready_check(text);
    ASSERT_TRUE(http.ok()) << text << ": " << http.error().message;
    EXPECT_EQ(http->kind, ReadyKind::http);
    EXPECT_EQ(http->port, 8080);
    EXPECT_EQ(http->path, "/health?full=1");
  }
  auto plain = parse_ready_check("http://localhost");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->port, 80);
  EXPECT_EQ(plain->path, "/");

  auto exec = parse_ready_check("exec:pg_isready -h '/run/postgresql dir'");
  ASSERT_TRUE(exec.ok());
  EXPECT_EQ(exec->argv, (std::vector<std::string>{"pg_isready", "-h", "/run/postgresql dir"}));
}

TEST(ReadyCheckTest, SubstitutesThePort) {
  EXPECT_TRUE(parse_ready_check("tcp:$PORT").ok()) << "checkable before there is a PORT";
  EXPECT_EQ(parse_ready_check("tcp:$PORT", "5001")->port, 5001);
  EXPECT_EQ(parse_ready_check("http://127.0.0.1:${PORT}/up", "5002")->port, 5002);
  EXPECT_FALSE(parse_ready_check("tcp:$PORT", "nope").ok());
}

TEST(ReadyCheckTest, ErrorsSayWhy) {
  auto why = [](const char* text) { return parse_ready_check(text).error().message; };
  EXPECT_EQ(why("bogus"),
            "invalid ready 'bogus': expected none, ipc, notify, tcp:PORT, http:URL or exec:CMD");
  EXPECT_EQ(why("ipc:1"), "invalid ready 'ipc:1': ipc takes no argument");
  EXPECT_EQ(why("tcp:70000"), "invalid ready 'tcp:70000': port 70000 is out of range (1..65535)");
  EXPECT_NE(why("tcp:db.example:5432").find("tend does not look names up"), std::string::npos);
  EXPECT_NE(why("https://x/").find("https is not supported"), std::string::npos);
  EXPECT_NE(why("http:https://x/").find("https is not supported"), std::string::npos);
  EXPECT_EQ(why("exec:"), "invalid ready 'exec:': expected exec:CMD [ARGS...]");
  EXPECT_NE(why("exec:echo 'open").find("invalid ready"), std::string::npos);
  EXPECT_NE(why("tcp:::1:80").find("brackets"), std::string::npos);
}

}  // namespace
}  // namespace tend
