#include "daemon/messenger.h"

#include <charconv>

#include "daemon/supervisor.h"
#include "daemon/timer.h"
#include "ipc/child_message.h"
#include "util/daemon_log.h"
#include "util/utf8.h"

namespace tend {

namespace {

constexpr int kEventsPerSecond = 50;
/// Messages up to this size are recorded whole in their event; longer ones as a truncated preview.
constexpr std::size_t kEventMessageBytes = 4096;
constexpr std::size_t kPreviewBytes = 160;

std::string preview(std::string_view line, std::size_t max) {
  std::string text = printable_utf8(line.substr(0, max));
  if (line.size() > max) text += "…";
  return text;
}

/// NAME or NAME:I of a routing target.
struct Target {
  std::string name;
  int index = -1;
};

std::optional<Target> parse_target(const std::string& text) {
  Target t;
  auto colon = text.rfind(':');
  t.name = text.substr(0, colon);
  if (colon != std::string::npos) {
    std::string_view digits = std::string_view(text).substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), t.index);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || t.index < 0)
      return std::nullopt;
  }
  return t;
}

std::optional<long long> parse_usec(const std::string& text) {
  long long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

struct ReplyWaiter {
  struct Pending {
    std::string program;
    int index;
    pid_t pid;
  };
  std::vector<Pending> pending;
  std::vector<Messenger::Reply> got;
  std::function<void(std::vector<Messenger::Reply>, std::vector<std::string>)> done;
  std::unique_ptr<Timer> deadline;
  bool finished = false;

  void finish() {
    finished = true;
    if (deadline) deadline->cancel();
    std::vector<std::string> missing;
    for (const auto& p : pending) missing.push_back(fmt::format("{}:{}", p.program, p.index));
    done(std::move(got), std::move(missing));
  }
};

Messenger::Messenger(Supervisor& supervisor) : supervisor_(supervisor) {}
Messenger::~Messenger() = default;

void Messenger::on_message(Instance& from, std::string_view line) {
  using Kind = ChildMessage::Kind;
  ChildMessage m = classify_child_message(line);
  switch (m.kind) {
    case Kind::empty:
    case Kind::node_internal:
      return;
    case Kind::malformed:
      return on_dropped(from, m.text, line.size());
    case Kind::pm2_ready:
      // PM2's process.send('ready'): readiness when that is what the program waits for, else a message.
      if (from.ready_kind() == ReadyKind::ipc && from.state() == State::starting)
        return from.mark_ready("ipc");
      break;
    case Kind::ready:
      return from.mark_ready("ipc");
    case Kind::status:
      return from.set_status(m.text);
    case Kind::watchdog:
      return from.watchdog_ping();
    case Kind::route:
      return route(from, m.to, m.value, line.size());
    case Kind::unknown_tend:
      return on_dropped(from, fmt::format("unknown tend message '{}'", m.text), line.size());
    case Kind::node_handle:
      // Node holds back every later message until a handle is acknowledged. tend takes no handles: the fd
      // that came with it is already closed.
      (void)from.deliver(R"({"cmd":"NODE_HANDLE_ACK"})");
      return on_dropped(from,
                        fmt::format("a handle ({}) cannot be passed through tend; it was closed",
                                    m.text.empty() ? "unknown type" : m.text),
                        line.size());
    case Kind::user:
      break;
  }
  record_message(from, m.value, line);
  answer_waiters(from, m.value);
}

void Messenger::on_dropped(Instance& from, const std::string& reason, std::size_t bytes) {
  if (!allow_event(from)) return;
  supervisor_.events().record(EventRecord{"message_dropped",
                                          from.spec().name,
                                          from.index(),
                                          fmt::format("{}: dropped a message: {}", from.label(), reason),
                                          {{"bytes", bytes}, {"reason", reason}, {"pid", from.pid()}}});
}

void Messenger::record_message(Instance& from, const nlohmann::json& message, std::string_view line) {
  if (!allow_event(from)) return;
  nlohmann::json data{{"bytes", line.size()}, {"pid", from.pid()}};
  if (line.size() <= kEventMessageBytes)
    data["message"] = message;
  else
    data["preview"] = preview(line, kEventMessageBytes), data["truncated"] = true;
  supervisor_.events().record(EventRecord{
      "message", from.spec().name, from.index(),
      fmt::format("{} sent {} bytes: {}", from.label(), line.size(), preview(line, kPreviewBytes)),
      std::move(data)});
}

bool Messenger::allow_event(Instance& from) {
  auto now = std::chrono::steady_clock::now();
  Budget& b = budgets_[from.label()];
  if (now - b.window >= std::chrono::seconds(1)) {
    if (b.suppressed > 0)
      supervisor_.events().record(
          EventRecord{"message",
                      from.spec().name,
                      from.index(),
                      fmt::format("{}: {} more messages were not recorded (over {} a second)", from.label(),
                                  b.suppressed, kEventsPerSecond),
                      {{"not_recorded", b.suppressed}}});
    b = Budget{now, 0, 0};
  }
  if (b.used < kEventsPerSecond) {
    ++b.used;
    return true;
  }
  ++b.suppressed;
  return false;
}

void Messenger::route(Instance& from, const std::string& to, const nlohmann::json& data, std::size_t bytes) {
  auto target = parse_target(to);
  if (!target)
    return on_dropped(from, fmt::format("cannot route to '{}': expected NAME or NAME:I", to), bytes);
  if (auto st = check_outgoing(data); !st) return on_dropped(from, st.error().message, bytes);
  Program* program = supervisor_.find(target->name);
  if (!program) return on_dropped(from, fmt::format("cannot route to '{}': no such program", to), bytes);
  std::string line = data.dump();
  std::vector<std::string> delivered, failed;
  for (auto& inst : program->instances) {
    if (target->index >= 0 ? inst->index() != target->index : inst.get() == &from) continue;
    if (!inst->has_channel()) continue;
    if (auto st = inst->deliver(line); st)
      delivered.push_back(inst->label());
    else
      failed.push_back(st.error().message);
  }
  for (const auto& why : failed) on_dropped(from, fmt::format("routing to {} failed: {}", to, why), bytes);
  if (delivered.empty() && failed.empty())
    return on_dropped(from, fmt::format("cannot route to '{}': no instance has an open message channel", to),
                      bytes);
  if (delivered.empty() || !allow_event(from)) return;
  supervisor_.events().record(
      EventRecord{"message",
                  from.spec().name,
                  from.index(),
                  fmt::format("{} sent {} bytes to {}", from.label(), line.size(), to),
                  {{"bytes", line.size()}, {"to", to}, {"delivered", delivered}}});
}

void Messenger::on_notify(pid_t sender, const NotifyFields& fields) {
  Instance* inst = supervisor_.instance_of_process(sender);
  if (!inst) {
    auto now = std::chrono::steady_clock::now();
    if (now - unknown_sender_logged_ >= std::chrono::seconds(10)) {
      unknown_sender_logged_ = now;
      log_warning("ignored a notify message from pid {}, which belongs to no instance", sender);
    }
    return;
  }
  for (const auto& [key, value] : fields) {
    if (key == "READY" && value == "1")
      inst->mark_ready("notify");
    else if (key == "STATUS")
      inst->set_status(value);
    else if (key == "WATCHDOG" && value == "1")
      inst->watchdog_ping();
    else if (key == "WATCHDOG" && value == "trigger")
      inst->watchdog_trip("watchdog: WATCHDOG=trigger");
    else if (key == "WATCHDOG_USEC") {
      if (auto usec = parse_usec(value)) inst->set_watchdog_timeout(Millis(*usec / 1000));
    } else if (key == "EXTEND_TIMEOUT_USEC") {
      if (auto usec = parse_usec(value)) inst->extend_ready_timeout(Millis(*usec / 1000));
    } else if (key == "STOPPING" && value == "1") {
      log_info("{}: STOPPING=1", inst->label());
    } else if (key == "ERRNO") {
      log_info("{}: ERRNO={}", inst->label(), printable_utf8(value));
    }
  }
}

Status Messenger::check_outgoing(const nlohmann::json& message) {
  if (is_node_internal(message))
    return Error{
        EINVAL,
        "a message whose \"cmd\" starts with NODE_ is Node's internal protocol; tend does not send it"};
  return {};
}

Result<std::vector<Instance*>> Messenger::recipients(const std::vector<std::string>& targets) {
  std::vector<Instance*> out;
  for (const auto& target : targets) {
    auto resolved = supervisor_.resolve({target});
    if (!resolved) return resolved.error();
    bool exact = target != "all" && target.find(':') != std::string::npos;
    bool any = false;
    for (Instance* inst : *resolved) {
      if (!inst->has_channel()) {
        if (exact) return inst->channel_status().error();
        continue;
      }
      any = true;
      if (std::find(out.begin(), out.end(), inst) == out.end()) out.push_back(inst);
    }
    if (!any)
      return Error{ENOTCONN, target == "all"
                                 ? std::string("no instance has an open message channel")
                                 : fmt::format("no instance of {} has an open message channel", target)};
  }
  return out;
}

void Messenger::await_replies(const std::vector<Instance*>& from, Millis timeout,
                              std::function<void(std::vector<Reply>, std::vector<std::string>)> done) {
  auto waiter = std::make_shared<ReplyWaiter>();
  for (Instance* inst : from) waiter->pending.push_back({inst->spec().name, inst->index(), inst->pid()});
  waiter->done = std::move(done);
  std::weak_ptr<ReplyWaiter> weak = waiter;
  waiter->deadline = std::make_unique<Timer>(supervisor_.loop(), [this, weak] {
    auto w = weak.lock();
    if (!w || w->finished) return;
    // A reply already in a channel, unread because the loop was busy, still counts.
    for (const auto& p : std::vector<ReplyWaiter::Pending>(w->pending))
      if (Program* program = supervisor_.find(p.program); program && p.index < int(program->instances.size()))
        program->instances[size_t(p.index)]->drain_messages();
    if (w->finished) return;
    w->finish();
    std::erase_if(waiters_, [](const auto& x) { return x->finished; });
  });
  waiter->deadline->arm(timeout);
  waiters_.push_back(std::move(waiter));
}

void Messenger::answer_waiters(Instance& from, const nlohmann::json& message) {
  if (waiters_.empty()) return;
  for (auto& w : waiters_) {
    auto it = std::find_if(w->pending.begin(), w->pending.end(), [&](const ReplyWaiter::Pending& p) {
      return p.program == from.spec().name && p.index == from.index() && p.pid == from.pid();
    });
    if (it == w->pending.end()) continue;
    w->got.push_back({it->program, it->index, message});
    w->pending.erase(it);
    if (w->pending.empty()) w->finish();
  }
  std::erase_if(waiters_, [](const auto& w) { return w->finished; });
}

}  // namespace tend
