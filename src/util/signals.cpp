#include "util/signals.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace tend {
namespace {

struct SignalName {
  int number;
  std::string_view name;  // without the SIG prefix
};

constexpr std::array kSignals{
    SignalName{SIGHUP, "HUP"},   SignalName{SIGINT, "INT"},       SignalName{SIGQUIT, "QUIT"},
    SignalName{SIGILL, "ILL"},   SignalName{SIGTRAP, "TRAP"},     SignalName{SIGABRT, "ABRT"},
    SignalName{SIGBUS, "BUS"},   SignalName{SIGFPE, "FPE"},       SignalName{SIGKILL, "KILL"},
    SignalName{SIGUSR1, "USR1"}, SignalName{SIGSEGV, "SEGV"},     SignalName{SIGUSR2, "USR2"},
    SignalName{SIGPIPE, "PIPE"}, SignalName{SIGALRM, "ALRM"},     SignalName{SIGTERM, "TERM"},
    SignalName{SIGCHLD, "CHLD"}, SignalName{SIGCONT, "CONT"},     SignalName{SIGSTOP, "STOP"},
    SignalName{SIGTSTP, "TSTP"}, SignalName{SIGTTIN, "TTIN"},     SignalName{SIGTTOU, "TTOU"},
    SignalName{SIGURG, "URG"},   SignalName{SIGXCPU, "XCPU"},     SignalName{SIGXFSZ, "XFSZ"},
    SignalName{SIGVTALRM, "VTALRM"}, SignalName{SIGPROF, "PROF"}, SignalName{SIGWINCH, "WINCH"},
    SignalName{SIGIO, "IO"},     SignalName{SIGPWR, "PWR"},       SignalName{SIGSYS, "SYS"},
};

}  // namespace

Result<int> parse_signal(std::string_view text) {
  int number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && end == text.data() + text.size()) {
    if (number >= 1 && number <= SIGRTMAX) return number;
    return Error{EINVAL, fmt::format("invalid signal '{}': out of range 1..{}", text, SIGRTMAX)};
  }
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  std::string_view name = upper;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (const auto& s : kSignals)
    if (s.name == name) return s.number;
  return Error{EINVAL, fmt::format("invalid signal '{}': unknown name", text)};
}

std::string signal_name(int sig) {
  for (const auto& s : kSignals)
    if (s.number == sig) return fmt::format("SIG{}", s.name);
  return fmt::format("SIG{}", sig);
}

}  // namespace tend
