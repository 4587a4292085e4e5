#include "store/event_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "../log/temp_dir.h"

namespace tend {
namespace {

StoredEvent make(std::string kind, std::string program, int instance, std::int64_t time_ms,
                 std::string message = "m") {
  StoredEvent e;
  e.time_ms = time_ms;
  e.record.kind = std::move(kind);
  e.record.program = std::move(program);
  e.record.instance = instance;
  e.record.message = std::move(message);
  e.record.data = {{"n", time_ms}};
  return e;
}

Status append(EventStore& store, std::vector<StoredEvent> events) { return store.append(events); }

TEST(EventStoreTest, StoresAnyKindAndQueriesByProgramInstanceKindAndTime) {
  testing::TempDir dir;
  auto store = EventStore::open(dir.file("events.db"));
  ASSERT_TRUE(store) << store.error().message;
  std::vector<StoredEvent> events{make("state", "web", 0, 1000), make("exit", "web", 1, 2000),
                                  make("job", "", -1, 3000), make("made-up-kind", "db", 0, 4000)};
  ASSERT_TRUE(store->append(events));
  EXPECT_EQ(events[0].id + 3, events[3].id);

  auto all = store->query({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[2].record.kind, "job");
  EXPECT_EQ((*all)[2].record.program, "");
  EXPECT_EQ((*all)[2].record.instance, -1);
  EXPECT_EQ((*all)[1].record.data["n"], 2000);

  EventQuery web;
  web.program = "web";
  EXPECT_EQ(store->query(web)->size(), 2u);
  web.instance = 1;
  ASSERT_EQ(store->query(web)->size(), 1u);
  EXPECT_EQ(store->query(web)->front().record.kind, "exit");

  EventQuery recent;
  recent.since_ms = 2500;
  EXPECT_EQ(store->query(recent)->size(), 2u);
  EventQuery kinds;
  kinds.kinds = {"exit", "made-up-kind"};
  EXPECT_EQ(store->query(kinds)->size(), 2u);
  EventQuery after;
  after.after_id = events[1].id;
  EXPECT_EQ(store->query(after)->front().id, events[2].id);
}

TEST(EventStoreTest, LimitKeepsTheNewestInOrder) {
  testing::TempDir dir;
  auto store = EventStore::open(dir.file("events.db"));
  ASSERT_TRUE(store);
  std::vector<StoredEvent> events;
  for (int i = 0; i < 10; ++i) events.push_back(make("state", "web", 0, i));
  ASSERT_TRUE(store->append(events));
  EventQuery q;
  q.limit = 3;
  auto got = store->query(q);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].time_ms, 7);
  EXPECT_EQ((*got)[2].time_ms, 9);
  q.newest = false;  // pages, oldest first
  q.after_id = (*store->query(q))[1].id;
  got = store->query(q);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].time_ms, 2);
}

TEST(EventStoreTest, SurvivesReopeningAndReadsOnlyWhileAWriterHasItOpen) {
  testing::TempDir dir;
  std::string path = dir.file("events.db");
  {
    auto store = EventStore::open(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(append(*store, {make("exit", "web", 0, 1)}));
  }
  auto writer = EventStore::open(path);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(append(*writer, {make("exit", "web", 0, 2)}));
  auto reader = EventStore::open_read_only(path);
  ASSERT_TRUE(reader) << reader.error().message;
  auto got = reader->query({});
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 2u);
  EXPECT_LT((*got)[0].id, (*got)[1].id);
}

TEST(EventStoreTest, ReadOnlyOpenOfAMissingFileIsENOENT) {
  testing::TempDir dir;
  auto store = EventStore::open_read_only(dir.file("none.db"));
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ENOENT);
}

TEST(EventStoreTest, PrunesTheOldestBeyondMaxRows) {
  testing::TempDir dir;
  EventStoreLimits limits;
  limits.max_rows = 100;
  auto store = EventStore::open(dir.file("events.db"), limits);
  ASSERT_TRUE(store);
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<StoredEvent> events;
    for (int i = 0; i < 100; ++i) events.push_back(make("state", "web", 0, batch * 100 + i));
    ASSERT_TRUE(store->append(events));
  }
  ASSERT_TRUE(store->prune());
  EXPECT_EQ(*store->count(), 100);
  auto got = store->query({});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->front().time_ms, 900);
  EXPECT_EQ(got->back().time_ms, 999);
}

TEST(EventStoreTest, PrunesToStayUnderMaxBytesAndTheFileShrinks) {
  testing::TempDir dir;
  std::string path = dir.file("events.db");
  EventStoreLimits limits;
  limits.max_bytes = 256 * 1024;
  auto store = EventStore::open(path, limits);
  ASSERT_TRUE(store);
  std::string big(900, 'x');
  for (int batch = 0; batch < 40; ++batch) {
    std::vector<StoredEvent> events;
    for (int i = 0; i < 50; ++i) events.push_back(make("message", "web", 0, batch * 50 + i, big));
    ASSERT_TRUE(store->append(events));
  }
  ASSERT_TRUE(store->prune());
  std::int64_t rows = *store->count();
  EXPECT_GT(rows, 50);
  EXPECT_LT(rows * 900, limits.max_bytes);
  // The newest survive.
  EventQuery last;
  last.limit = 1;
  EXPECT_EQ(store->query(last)->front().time_ms, 40 * 50 - 1);
  // Reopening checkpoints the write-ahead log into the file, which incremental_vacuum has shrunk.
  store = Error{0, "closed"};
  auto reopened = EventStore::open(path, limits);
  ASSERT_TRUE(reopened);
  reopened = Error{0, "closed"};
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_LE(st.st_size, limits.max_bytes);
}

TEST(EventStoreTest, CutsLongMessagesAtACharacterAndHugeData) {
  testing::TempDir dir;
  auto store = EventStore::open(dir.file("events.db"));
  ASSERT_TRUE(store);
  std::string message;
  while (message.size() < 3000) message += "é";  // two bytes each: a cut must not split one
  StoredEvent e = make("message", "web", 0, 1, message);
  e.record.data = {{"blob", std::string(kMaxEventDataBytes + 10, 'y')}};
  ASSERT_TRUE(append(*store, {e}));
  auto got = store->query({});
  ASSERT_TRUE(got);
  const auto& stored = got->front();
  EXPECT_LE(stored.record.message.size(), kMaxEventMessageBytes);
  EXPECT_TRUE(stored.record.message.ends_with("…"));
  EXPECT_TRUE(nlohmann::json(stored.record.message).dump().size() > 0);  // valid UTF-8: dump would throw
  EXPECT_EQ(stored.record.data["truncated"], true);
}

TEST(EventStoreTest, JsonRoundTrip) {
  StoredEvent e = make("exit", "web", 2, 1764556800123);
  e.id = 42;
  auto j = event_json(e);
  EXPECT_EQ(j["time"], "2025-12-01T02:40:00.123Z");
  EXPECT_EQ(j["instance"], 2);
  auto back = event_from_json(j);
  ASSERT_TRUE(back);
  EXPECT_EQ(event_json(*back), j);
  StoredEvent daemon_wide = make("apply", "", -1, 5);
  EXPECT_TRUE(event_json(daemon_wide)["program"].is_null());
  EXPECT_TRUE(event_json(daemon_wide)["instance"].is_null());
  EXPECT_FALSE(event_from_json(nlohmann::json::array()));
}

TEST(EventStoreTest, RefusesAFileOfANewerSchemaAndAGarbageFile) {
  testing::TempDir dir;
  std::string path = dir.file("events.db");
  {
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("PRAGMA user_version = 99"));
  }
  auto newer = EventStore::open(path);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, EPROTO);
  std::string garbage = dir.file("garbage.db");
  std::ofstream(garbage) << std::string(8192, 'g');
  auto bad = EventStore::open(garbage);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(garbage), std::string::npos) << bad.error().message;
}

TEST(EventStoreTest, MatchesFollowersFilters) {
  EventQuery q;
  q.program = "web";
  q.kinds = {"exit"};
  EXPECT_TRUE(event_matches(q, make("exit", "web", 3, 0)));
  EXPECT_FALSE(event_matches(q, make("state", "web", 3, 0)));
  EXPECT_FALSE(event_matches(q, make("exit", "db", 3, 0)));
  q.instance = 2;
  EXPECT_FALSE(event_matches(q, make("exit", "web", 3, 0)));
}

}  // namespace
}  // namespace tend
