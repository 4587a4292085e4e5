// top: a live full-screen view of every instance (ncurses), fed by the daemon's sampler, which samples only
// while a top (or another consumer) is connected. --batch prints plain tables instead, as `top -b` does.
#include <curses.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/cli.h"
#include "inspect/top_model.h"
#include "util/clock.h"
#include "util/printable.h"
#include "util/unique_fd.h"
#include "util/units.h"

namespace tend::cli {
namespace {

struct TopOptions {
  std::string interval = "1s";
  bool batch = false;
  int iterations = 0;  // 0: until interrupted
};

constexpr int kCtrlC = 3;
constexpr int kEscape = 27;

/// The terminal in curses mode for as long as this lives; always restored, whatever way top ends.
class CursesScreen {
 public:
  CursesScreen() {
    screen_ = newterm(nullptr, stdout, stdin);  // unlike initscr, fails without exiting on a bad TERM
    if (!screen_) return;
    raw();  // Ctrl-C arrives as a key, so quitting always goes through endwin
    noecho();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
  }
  ~CursesScreen() {
    if (!screen_) return;
    endwin();
    delscreen(screen_);
  }
  CursesScreen(const CursesScreen&) = delete;
  CursesScreen& operator=(const CursesScreen&) = delete;
  bool ok() const { return screen_ != nullptr; }

 private:
  SCREEN* screen_ = nullptr;
};

/// SIGINT, SIGTERM and SIGHUP as a readable fd while top runs (blocked, read through signalfd).
class QuitSignals {
 public:
  QuitSignals() {
    sigemptyset(&set_);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set_, sig);
    ::sigprocmask(SIG_BLOCK, &set_, &old_);
    fd_.reset(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
  }
  ~QuitSignals() { ::sigprocmask(SIG_SETMASK, &old_, nullptr); }
  int fd() const { return fd_.get(); }

 private:
  sigset_t set_{}, old_{};
  UniqueFd fd_;
};

enum class Mode { table, filter, logs };

/// The interactive session: one connection carrying the sample stream and, on Enter, a logs request.
class TopSession {
 public:
  TopSession(Client client, std::int64_t samples_id) : client_(std::move(client)), samples_id_(samples_id) {}
  /// Runs until q, Ctrl-C or a quit signal (0), or until the daemon goes away (kUnreachable, with
  /// final_error() saying why, to be printed once the terminal is restored).
  int run(const QuitSignals& signals);
  const std::string& final_error() const { return final_error_; }

 private:
  bool handle_message(const nlohmann::json& msg);
  bool handle_key(int key);  // false: quit
  void table_key(int key);
  void open_logs();
  void draw();
  void draw_table();
  void draw_logs();
  void put(int y, const std::string& text, attr_t attrs = A_NORMAL);

  Client client_;
  std::int64_t samples_id_;
  std::int64_t logs_id_ = -1;
  TopModel model_;
  long interval_ms_ = 0;
  Mode mode_ = Mode::table;
  std::string filter_edit_;
  std::string logs_of_;
  std::vector<std::string> log_lines_;
  int top_row_ = 0;  // first visible row when the table scrolls
  bool have_sample_ = false;
  std::string error_;
  std::string final_error_;
};

void TopSession::put(int y, const std::string& text, attr_t attrs) {
  if (y < 0 || y >= LINES) return;
  attrset(attrs);
  mvaddnstr(y, 0, text.c_str(), COLS);
  attrset(A_NORMAL);
}

void TopSession::draw_table() {
  put(0, top_title(model_, interval_ms_, COLS));
  put(1, top_header(COLS, model_.sort_column(), model_.descending()), A_REVERSE);
  auto rows = model_.visible();
  int room = std::max(1, LINES - 3);
  int selected = model_.selected_index();
  if (selected >= 0) {
    if (selected < top_row_) top_row_ = selected;
    if (selected >= top_row_ + room) top_row_ = selected - room + 1;
  }
  top_row_ = std::clamp(top_row_, 0, std::max(0, int(rows.size()) - room));
  for (int i = 0; i < room && top_row_ + i < int(rows.size()); ++i)
    put(2 + i, top_row(*rows[size_t(top_row_ + i)], COLS), top_row_ + i == selected ? A_BOLD | A_STANDOUT : A_NORMAL);
  if (!have_sample_) put(2, "waiting for the first sample...");
  else if (rows.empty())
    put(2, model_.rows().empty() ? "no programs (define one with: tend start -- CMD [ARGS...])"
                                 : "no instance matches the filter");
  if (mode_ == Mode::filter) put(LINES - 1, "/" + filter_edit_ + "_  (Enter: apply, Esc: cancel)");
  else put(LINES - 1, error_.empty() ? top_help(COLS) : error_);
}

void TopSession::draw_logs() {
  put(0, fmt::format("last log lines of {}  (q, Esc or Enter: back)", logs_of_), A_REVERSE);
  int room = std::max(1, LINES - 1);
  size_t first = log_lines_.size() > size_t(room) ? log_lines_.size() - size_t(room) : 0;
  for (size_t i = first; i < log_lines_.size(); ++i) put(1 + int(i - first), printable(log_lines_[i]));
  if (log_lines_.empty()) put(1, logs_id_ >= 0 ? "reading..." : "no log lines");
}

void TopSession::draw() {
  erase();
  if (mode_ == Mode::logs) draw_logs();
  else draw_table();
  refresh();
}

bool TopSession::handle_message(const nlohmann::json& msg) {
  std::int64_t id = msg.value("id", std::int64_t{-1});
  if (!msg.value("ok", false)) {
    error_ = "tend: " + msg["error"].value("message", "unknown error");
    if (id == samples_id_) return false;
    logs_id_ = -1;
    return true;
  }
  const auto& result = msg["result"];
  if (id == samples_id_ && msg.value("event", "") == "sample") {
    std::vector<InstanceSnapshot> rows;
    for (const auto& j : result["instances"])
      if (auto s = snapshot_from_json(j)) rows.push_back(std::move(*s));
    interval_ms_ = result.value("interval_ms", 0L);
    model_.set_rows(std::move(rows));
    have_sample_ = true;
  } else if (id == logs_id_ && msg.contains("event")) {
    std::string text = result.value("text", "");
    for (size_t pos = 0; pos < text.size();) {
      size_t nl = text.find('\n', pos);
      log_lines_.push_back(text.substr(pos, nl - pos));
      pos = nl == std::string::npos ? text.size() : nl + 1;
    }
  } else if (id == logs_id_) {
    logs_id_ = -1;  // the final response: every line is here
  }
  return true;
}

void TopSession::open_logs() {
  const InstanceSnapshot* s = model_.selected();
  if (!s) return;
  logs_of_ = s->label();
  log_lines_.clear();
  auto id = client_.send("logs", {{"targets", {logs_of_}}, {"lines", std::max(1, LINES - 1)}});
  logs_id_ = id ? *id : -1;
  mode_ = Mode::logs;
}

void TopSession::table_key(int key) {
  if (auto column = column_for_key(key)) return model_.sort_by(*column);
  switch (key) {
    case KEY_UP: case 'k': return model_.move_selection(-1);
    case KEY_DOWN: case 'j': return model_.move_selection(1);
    case KEY_PPAGE: return model_.move_selection(-(LINES - 3));
    case KEY_NPAGE: return model_.move_selection(LINES - 3);
    case '/':
      filter_edit_ = model_.filter();
      mode_ = Mode::filter;
      return;
    case kEscape: return model_.set_filter("");
    case '\n': case '\r': case KEY_ENTER: return open_logs();
    default: return;
  }
}

bool TopSession::handle_key(int key) {
  if (key == kCtrlC) return false;
  if (key == KEY_RESIZE) return true;  // curses has the new size; the next draw uses it
  error_.clear();
  switch (mode_) {
    case Mode::table:
      if (key == 'q') return false;
      table_key(key);
      return true;
    case Mode::filter:
      if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        model_.set_filter(filter_edit_);
        mode_ = Mode::table;
      } else if (key == kEscape) {
        mode_ = Mode::table;
      } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (!filter_edit_.empty()) filter_edit_.pop_back();
      } else if (key >= 0x20 && key < 0x7f) {
        filter_edit_ += char(key);
      }
      return true;
    case Mode::logs:
      if (key == 'q' || key == kEscape || key == '\n' || key == '\r' || key == KEY_ENTER) mode_ = Mode::table;
      return true;
  }
  return true;
}

int TopSession::run(const QuitSignals& signals) {
  draw();
  for (;;) {
    pollfd fds[3] = {{STDIN_FILENO, POLLIN, 0}, {client_.fd(), POLLIN, 0}, {signals.fd(), POLLIN, 0}};
    int n = client_.has_buffered_line() ? 0 : ::poll(fds, 3, -1);
    if (n < 0 && errno != EINTR) return kFailed;
    if (n > 0 && (fds[2].revents & POLLIN)) return kOk;
    if (client_.has_buffered_line() || (n > 0 && (fds[1].revents & (POLLIN | POLLHUP)))) {
      do {
        auto msg = client_.read_message();
        if (!msg || !handle_message(*msg)) {
          final_error_ = msg ? error_.substr(error_.find(' ') + 1) : msg.error().message;
          return kUnreachable;
        }
      } while (client_.has_buffered_line());
    }
    // Keys, and KEY_RESIZE after SIGWINCH (which also interrupts poll).
    for (int key; (key = getch()) != ERR;)
      if (!handle_key(key)) return kOk;
    draw();
  }
}

int run_batch(Client& client, std::int64_t id, int iterations) {
  for (int done = 0, rc = kOk; iterations == 0 || done < iterations;) {
    auto msg = read_ok_message(client, rc);
    if (!msg) return rc;
    if (msg->value("id", std::int64_t{-1}) != id || msg->value("event", "") != "sample") continue;
    TopModel model;
    std::vector<InstanceSnapshot> rows;
    for (const auto& j : (*msg)["result"]["instances"])
      if (auto s = snapshot_from_json(j)) rows.push_back(std::move(*s));
    model.set_rows(std::move(rows));
    std::string out = fmt::format("{}  {}\n{}\n", format_rfc3339_ms((*msg)["result"].value("time_ms", wall_ms())),
                                  top_title(model, (*msg)["result"].value("interval_ms", 0L), 200),
                                  top_header(80, model.sort_column(), model.descending()));
    for (const auto* row : model.visible()) out += top_row(*row, 80) + "\n";
    fmt::print("{}\n", out);
    fflush(stdout);
    ++done;
  }
  return kOk;
}

int run_top(const TopOptions& o) {
  auto interval = parse_duration(o.interval);
  if (!interval || interval->count() < 100) {
    print_error(fmt::format("invalid --interval '{}': expected a duration of at least 100ms", o.interval));
    return kUsage;
  }
  if (!o.batch && (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO))) {
    print_error("tend top needs a terminal; use --batch for plain output");
    return kUsage;
  }
  auto client = connect_or_start();
  if (!client) {
    print_error(client.error().message);
    return kUnreachable;
  }
  auto id = client->send("samples", {{"interval_ms", interval->count()}});
  if (!id) {
    print_error(id.error().message);
    return kUnreachable;
  }
  if (o.batch) return run_batch(*client, *id, o.iterations);
  QuitSignals signals;
  TopSession session(std::move(*client), *id);
  int rc = kOk;
  {
    CursesScreen screen;
    if (!screen.ok()) {
      print_error(fmt::format("unable to use the terminal (TERM={})", ::getenv("TERM") ? ::getenv("TERM") : ""));
      return kFailed;
    }
    rc = session.run(signals);
  }  // the terminal is restored here, before anything is printed
  if (!session.final_error().empty()) print_error(session.final_error());
  return rc;
}

}  // namespace

void add_top(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TopOptions>();
  auto* cmd = app.add_subcommand("top", "Live view of every instance: CPU%, memory, threads, fds, context switches");
  cmd->add_option("-d,--interval", o->interval, "Sampling interval (default 1s, at least 100ms)");
  cmd->add_flag("-b,--batch", o->batch, "Print a plain table per sample instead of the full-screen view");
  cmd->add_option("-n,--iterations", o->iterations, "With --batch: stop after N samples")->check(CLI::NonNegativeNumber);
  cmd->callback([&ctx, o] { ctx.action = [o] { return run_top(*o); }; });
}

}  // namespace tend::cli
