#include "inspect/top_model.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/printable.h"
#include "util/units.h"

namespace tend {
namespace {

// The fixed columns after NAME:I, each with its width: 60 columns with the spaces between them, which
// leaves NAME:I 19 columns in 80.
constexpr auto kFixed = "{:>7} {:<8} {:>6} {:>7} {:>4} {:>5} {:>7} {:>9}";
constexpr int kFixedWidth = 7 + 8 + 6 + 7 + 4 + 5 + 7 + 9 + 7;

int name_width(int width) { return std::max(12, width - kFixedWidth - 1); }

std::string fit(std::string text, int width) {
  if (int(text.size()) > width) text.resize(size_t(std::max(0, width)));
  return text;
}

std::string number_or_dash(const std::optional<double>& v, const char* format) {
  return v ? fmt::format(fmt::runtime(format), *v) : "-";
}

template <typename T>
std::string int_or_dash(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "-";
}

/// The value a row sorts by in a numeric column; -1 sorts unknowns last when descending.
double sort_value(const InstanceSnapshot& s, TopColumn c) {
  switch (c) {
    case TopColumn::pid: return s.pid ? double(*s.pid) : -1;
    case TopColumn::cpu: return s.cpu_percent.value_or(-1);
    case TopColumn::rss: return s.rss_bytes ? double(*s.rss_bytes) : -1;
    case TopColumn::threads: return s.threads ? double(*s.threads) : -1;
    case TopColumn::fds: return s.fds ? double(*s.fds) : -1;
    case TopColumn::ctxt: return s.ctxt_switches_per_s().value_or(-1);
    case TopColumn::restarts: return s.restarts;
    default: return 0;
  }
}

}  // namespace

std::optional<TopColumn> column_for_key(int key) {
  switch (key) {
    case 'n': return TopColumn::name;
    case 'p': return TopColumn::pid;
    case 's': return TopColumn::state;
    case 'c': return TopColumn::cpu;
    case 'm': return TopColumn::rss;
    case 't': return TopColumn::threads;
    case 'f': return TopColumn::fds;
    case 'w': return TopColumn::ctxt;
    case 'r': return TopColumn::restarts;
    default: return std::nullopt;
  }
}

std::string_view column_name(TopColumn column) {
  static constexpr std::string_view kNames[] = {"name", "pid", "state", "cpu", "rss", "threads", "fds", "ctxt/s", "restarts"};
  return kNames[int(column)];
}

void TopModel::set_rows(std::vector<InstanceSnapshot> rows) {
  rows_ = std::move(rows);
  if (selected_label_.empty() && !rows_.empty()) {
    auto v = visible();
    if (!v.empty()) selected_label_ = v.front()->label();
  }
}

void TopModel::sort_by(TopColumn column) {
  if (column == sort_) {
    descending_ = !descending_;
    return;
  }
  sort_ = column;
  descending_ = column != TopColumn::name && column != TopColumn::state;
}

void TopModel::set_filter(std::string text) { filter_ = std::move(text); }

std::vector<const InstanceSnapshot*> TopModel::visible() const {
  std::vector<const InstanceSnapshot*> out;
  for (const auto& r : rows_)
    if (filter_.empty() || r.label().find(filter_) != std::string::npos) out.push_back(&r);
  auto by_name = [](const InstanceSnapshot* a, const InstanceSnapshot* b) {
    return a->program != b->program ? a->program < b->program : a->instance < b->instance;
  };
  std::stable_sort(out.begin(), out.end(), [&](const InstanceSnapshot* a, const InstanceSnapshot* b) {
    if (sort_ == TopColumn::name) return descending_ ? by_name(b, a) : by_name(a, b);
    if (sort_ == TopColumn::state) {
      if (a->state != b->state) return descending_ ? a->state > b->state : a->state < b->state;
      return by_name(a, b);
    }
    double va = sort_value(*a, sort_), vb = sort_value(*b, sort_);
    if (va != vb) return descending_ ? va > vb : va < vb;
    return by_name(a, b);  // ties in a stable, readable order
  });
  return out;
}

int TopModel::selected_index() const {
  auto v = visible();
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i]->label() == selected_label_) return int(i);
  return v.empty() ? -1 : 0;
}

const InstanceSnapshot* TopModel::selected() const {
  auto v = visible();
  int i = selected_index();
  return i < 0 ? nullptr : v[size_t(i)];
}

void TopModel::move_selection(int delta) {
  auto v = visible();
  if (v.empty()) return;
  int i = std::clamp(selected_index() + delta, 0, int(v.size()) - 1);
  selected_label_ = v[size_t(i)]->label();
}

std::string top_header(int width, TopColumn sort, bool descending) {
  std::string names[] = {"NAME:I", "PID", "STATE", "CPU%", "RSS", "THR", "FDS", "CSW/S", "RESTARTS"};
  // Marks the sort column in place of its header's last letter position: "CPU%v", keeping widths.
  names[int(sort)] += descending ? "v" : "^";
  std::string fixed = fmt::format(fmt::runtime(kFixed), names[1], names[2], names[3], names[4], names[5], names[6],
                                  names[7], names[8]);
  int w = name_width(width);
  return fit(fmt::format("{:<{}} {}", names[0], w, fixed), width);
}

std::string top_row(const InstanceSnapshot& s, int width) {
  int w = name_width(width);
  std::string fixed = fmt::format(fmt::runtime(kFixed), int_or_dash(s.pid), fit(s.state, 8),
                                  number_or_dash(s.cpu_percent, "{:.1f}"), s.rss_bytes ? format_size(*s.rss_bytes) : "-",
                                  int_or_dash(s.threads), int_or_dash(s.fds),
                                  number_or_dash(s.ctxt_switches_per_s(), "{:.0f}"), s.restarts);
  return fit(fmt::format("{:<{}} {}", fit(printable(s.label()), w), w, fixed), width);
}

std::string top_title(const TopModel& model, long interval_ms, int width) {
  int running = 0;
  for (const auto& r : model.rows()) running += r.pid.has_value();
  std::string filter = model.filter().empty() ? "" : fmt::format("  filter \"{}\"", printable(model.filter()));
  size_t n = model.rows().size();
  return fit(fmt::format("tend top  {} instance{}, {} up  every {}  sort {} {}{}", n, n == 1 ? "" : "s", running,
                         format_duration(Millis(interval_ms)), column_name(model.sort_column()),
                         model.descending() ? "v" : "^", filter),
             width);
}

std::string top_help(int width) {
  return fit("q quit  / filter  Enter logs  j k select  sort c m t f w r n p s (twice: reverse)", width);
}

}  // namespace tend
