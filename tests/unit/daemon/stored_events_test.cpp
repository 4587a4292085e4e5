#include "daemon/stored_events.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "../log/temp_dir.h"
#include "daemon/observe_commands.h"

namespace tend {
namespace {

struct Loop {
  Loop() { sd_event_new(&loop); }
  ~Loop() { sd_event_unref(loop); }
  sd_event* loop = nullptr;
};

TEST(StoredEventsTest, QueuedEventsAreWrittenBeforeAnyQuery) {
  testing::TempDir dir;
  Loop loop;
  StoredEvents events(loop.loop, dir.file("events.db"));
  ASSERT_TRUE(events.stored()) << events.store_error();
  events.record({"job", "", -1, "a job of another part", {{"queue", "batch"}}});
  events.record({"state", "web", 0, "new -> starting", {}});
  auto all = events.query({});  // nothing ran the loop: the query writes the queue first
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].record.data["queue"], "batch");
  EXPECT_GT((*all)[0].time_ms, 0);
  EXPECT_EQ(events.count(), 2);
}

TEST(StoredEventsTest, SurviveTheSinkAndAreReadBack) {
  testing::TempDir dir;
  Loop loop;
  {
    StoredEvents events(loop.loop, dir.file("events.db"));
    events.record({"exit", "web", 1, "pid 1 ended", {}});
  }  // destroyed with the event still queued: written on the way out
  StoredEvents again(loop.loop, dir.file("events.db"));
  auto all = again.query({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().record.instance, 1);
}

TEST(StoredEventsTest, AnUnusableFileIsMovedAsideAndAFreshOneUsed) {
  testing::TempDir dir;
  std::string path = dir.file("events.db");
  std::ofstream(path) << std::string(8192, 'x');
  Loop loop;
  StoredEvents events(loop.loop, path);
  EXPECT_TRUE(events.stored()) << events.store_error();
  events.record({"state", "web", 0, "m", {}});
  EXPECT_EQ(events.query({})->size(), 1u);
  bool moved = false;
  for (const auto& name : dir.names()) moved = moved || name.rfind("events.db.broken-", 0) == 0;
  EXPECT_TRUE(moved);
}

TEST(StoredEventsTest, WithoutAStoreQueriesSayWhy) {
  testing::TempDir dir;
  Loop loop;
  StoredEvents events(loop.loop, dir.file("no/such/dir/events.db"));
  EXPECT_FALSE(events.stored());
  events.record({"state", "web", 0, "m", {}});  // goes to the daemon log; never fails the caller
  auto q = events.query({});
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().message.find("no event history"), std::string::npos);
  EXPECT_EQ(events.count(), std::nullopt);
}

TEST(EventQueryArgsTest, ReadsEveryFilterAndRejectsBadOnes) {
  auto q = event_query_from_args({{"since_ms", 5}, {"after_id", 7}, {"limit", 20}, {"newest", false},
                                  {"program", "web"}, {"instance", 1}, {"kinds", {"exit", "state"}}});
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->since_ms, 5);
  EXPECT_EQ(q->after_id, 7);
  EXPECT_EQ(q->limit, 20u);
  EXPECT_FALSE(q->newest);
  EXPECT_EQ(q->program, "web");
  EXPECT_EQ(q->instance, 1);
  EXPECT_EQ(q->kinds.size(), 2u);
  auto defaults = event_query_from_args(nlohmann::json::object());
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->limit, kMaxEventsPerResponse);
  EXPECT_FALSE(defaults->since_ms);
  EXPECT_FALSE(event_query_from_args({{"limit", 10001}}));
  EXPECT_FALSE(event_query_from_args({{"limit", "ten"}}));
  EXPECT_FALSE(event_query_from_args({{"kinds", "exit"}}));
  EXPECT_FALSE(event_query_from_args({{"program", 3}}));
}

}  // namespace
}  // namespace tend
