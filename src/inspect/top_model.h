#pragma once
// What `tend top` shows, apart from the terminal: the rows of the last sample, their order, the filter,
// the selection, and the lines they make at a given width. Pure, so sorting, filtering and layout are tested
// without a terminal; src/cli/top.cpp only draws these lines and feeds keys in.
#include <optional>
#include <string>
#include <vector>

#include "inspect/snapshot.h"

namespace tend {

enum class TopColumn { name, pid, state, cpu, rss, threads, fds, ctxt, restarts };

/// The column a sort key selects: n p s c m t f w r (name, pid, state, CPU%, memory, threads, fds,
/// switches/s, restarts); nullopt for any other key.
std::optional<TopColumn> column_for_key(int key);
/// "name", "pid", "state", "cpu", "rss", "threads", "fds", "ctxt/s", "restarts".
std::string_view column_name(TopColumn column);

class TopModel {
 public:
  /// Replaces the rows with a new sample; the selection stays on the same instance when it is still there.
  void set_rows(std::vector<InstanceSnapshot> rows);
  /// Sorts by column: numbers largest first, names and states A-Z; choosing the same column again reverses.
  void sort_by(TopColumn column);
  /// Only instances whose NAME:I contains text (empty: all).
  void set_filter(std::string text);
  void move_selection(int delta);

  /// The filtered rows in display order.
  std::vector<const InstanceSnapshot*> visible() const;
  /// The selected row, or nullptr when nothing is visible.
  const InstanceSnapshot* selected() const;
  int selected_index() const;
  const std::vector<InstanceSnapshot>& rows() const { return rows_; }
  TopColumn sort_column() const { return sort_; }
  bool descending() const { return descending_; }
  const std::string& filter() const { return filter_; }

 private:
  std::vector<InstanceSnapshot> rows_;
  TopColumn sort_ = TopColumn::cpu;
  bool descending_ = true;
  std::string filter_;
  std::string selected_label_;
};

/// The column header at width columns; the sort column is marked with "v" (descending) or "^". NAME:I takes
/// what the fixed columns leave (19 of 80), at least 12.
std::string top_header(int width, TopColumn sort, bool descending);
/// One instance at width columns: NAME:I PID STATE CPU% RSS THR FDS CSW/S RESTARTS ("-" when unknown).
std::string top_row(const InstanceSnapshot& s, int width);
/// The first line: instance counts, the interval and the sort order.
std::string top_title(const TopModel& model, long interval_ms, int width);
/// The last line: the keys.
std::string top_help(int width);

}  // namespace tend
