#include "inspect/process_tree.h"

#include <gtest/gtest.h>

namespace tend {
namespace {

ProcStat proc(pid_t pid, pid_t ppid, std::string comm, char state = 'S', long threads = 1) {
  ProcStat p;
  p.pid = pid;
  p.ppid = ppid;
  p.comm = std::move(comm);
  p.state = state;
  p.num_threads = threads;
  return p;
}

const std::vector<ProcStat> kProcesses{
    proc(1, 0, "init"),   proc(10, 1, "web"),        proc(11, 10, "worker"), proc(12, 10, "worker"),
    proc(13, 11, "grand"), proc(14, 10, "dead", 'Z'), proc(20, 1, "other"),
};

TEST(ProcessTreeTest, DrawsLikePstreeP) {
  auto tree = build_tree(10, kProcesses, nullptr);
  ASSERT_TRUE(tree);
  EXPECT_EQ(draw_tree(*tree, ascii_glyphs()),
            "web(10)-+-worker(11)---grand(13)\n"
            "        |-worker(12)\n"
            "        `-dead(14) [zombie]\n");
  EXPECT_EQ(draw_tree(*tree, unicode_glyphs()),
            "web(10)─┬─worker(11)───grand(13)\n"
            "        ├─worker(12)\n"
            "        └─dead(14) [zombie]\n");
}

TEST(ProcessTreeTest, ContinuationLinesOfAMiddleChildKeepTheBar) {
  std::vector<ProcStat> ps{proc(1, 0, "a"), proc(2, 1, "b"), proc(3, 2, "c"), proc(4, 2, "d"), proc(5, 1, "e")};
  auto tree = build_tree(1, ps, nullptr);
  ASSERT_TRUE(tree);
  EXPECT_EQ(draw_tree(*tree, ascii_glyphs()),
            "a(1)-+-b(2)-+-c(3)\n"
            "     |      `-d(4)\n"
            "     `-e(5)\n");
}

TEST(ProcessTreeTest, ThreadsAreDrawnInBracesAfterChildren) {
  std::vector<ProcStat> ps{proc(1, 0, "app", 'S', 3), proc(2, 1, "child")};
  auto threads = [](pid_t pid) {
    return std::vector<std::pair<pid_t, std::string>>{{pid, "app"}, {7, "app"}, {8, "io"}};
  };
  auto tree = build_tree(1, ps, threads);
  ASSERT_TRUE(tree);
  EXPECT_EQ(draw_tree(*tree, ascii_glyphs()),
            "app(1)-+-child(2)\n"
            "       |-{app}(7)\n"
            "       `-{io}(8)\n");
}

TEST(ProcessTreeTest, ALeafAndAMissingRoot) {
  auto leaf = build_tree(20, kProcesses, nullptr);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(draw_tree(*leaf, unicode_glyphs()), "other(20)\n");
  EXPECT_FALSE(build_tree(99, kProcesses, nullptr));
}

TEST(ProcessTreeTest, NotesWidenTheIndent) {
  auto tree = build_tree(11, kProcesses, nullptr);
  ASSERT_TRUE(tree);
  tree->note = " [orphan of web:0]";
  tree->children.push_back(TreeNode{30, "x", false, "", {}});
  EXPECT_EQ(draw_tree(*tree, ascii_glyphs()),
            "worker(11) [orphan of web:0]-+-grand(13)\n"
            "                             `-x(30)\n");
}

}  // namespace
}  // namespace tend
