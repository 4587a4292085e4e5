#include "proc/proc_status.h"

#include <iterator>

#include "proc/proc_files.h"
#include "proc/proc_text.h"

namespace tend {
namespace {

// "Uid:\t1000\t1000\t1000\t1000": real, effective, saved, filesystem.
template <typename Id>
bool parse_ids(std::string_view value, Id* real, Id* effective) {
  size_t split = value.find_first_of(" \t");
  if (split == std::string_view::npos) return false;
  auto r = parse_u64(value.substr(0, split));
  std::string_view rest = trim(value.substr(split));
  auto e = parse_u64(rest.substr(0, rest.find_first_of(" \t")));
  if (!r || !e) return false;
  *real = Id(*r);
  *effective = Id(*e);
  return true;
}

bool parse_pid_list(std::string_view value, std::vector<pid_t>* out) {
  while (!(value = trim(value)).empty()) {
    size_t end = value.find_first_of(" \t");
    auto n = parse_u64(value.substr(0, end));
    if (!n) return false;
    out->push_back(pid_t(*n));
    value = end == std::string_view::npos ? std::string_view() : value.substr(end);
  }
  return true;
}

// The name is the one value that may end in spaces or tabs, so it is taken raw rather than trimmed.
std::optional<std::string> raw_name(std::string_view text) {
  constexpr std::string_view kKey = "Name:\t";
  if (!text.starts_with(kKey)) return std::nullopt;
  size_t eol = text.find('\n');
  if (eol == std::string_view::npos) return std::nullopt;
  return unescape_task_name(text.substr(kKey.size(), eol - kKey.size()));
}

Result<ProcStatus> parse_status(std::string_view text, const std::string& what) {
  auto parse_error = [&](const std::string& why) { return Error{EINVAL, "unable to parse " + what + ": " + why}; };
  ProcStatus st;
  auto name = raw_name(text);
  if (!name) return parse_error("no Name line first");
  st.name = std::move(*name);
  std::string bad;  // the first key whose value did not parse
  // One bit per required line seen with a good value: State Tgid Pid PPid Threads Uid Gid.
  constexpr std::string_view kRequired[] = {"State", "Tgid", "Pid", "PPid", "Threads", "Uid", "Gid"};
  unsigned seen = 0;
  auto need = [&](bool ok, std::string_view key) {
    for (unsigned bit = 0; bit < std::size(kRequired); ++bit)
      if (ok && kRequired[bit] == key) seen |= 1u << bit;
    if (!ok && bad.empty()) bad = std::string(key);
  };
  auto bytes = [&](std::optional<std::uint64_t>* field, std::string_view key, std::string_view value) {
    *field = parse_kib_as_bytes(value);
    if (!*field && bad.empty()) bad = std::string(key);
  };
  auto count = [&](std::optional<std::uint64_t>* field, std::string_view key, std::string_view value) {
    *field = parse_u64(value);
    if (!*field && bad.empty()) bad = std::string(key);
  };
  for_each_key_value(text, [&](std::string_view key, std::string_view value) {
    if (key == "State") {
      need(!value.empty() && (value.size() == 1 || value[1] == ' '), key);
      st.state = value.empty() ? '?' : value[0];
    } else if (key == "Tgid" || key == "Pid" || key == "PPid" || key == "Threads") {
      auto n = parse_u64(value);
      need(n.has_value(), key);
      long v = n ? long(*n) : 0;
      if (key == "Tgid") st.tgid = pid_t(v);
      if (key == "Pid") st.pid = pid_t(v);
      if (key == "PPid") st.ppid = pid_t(v);
      if (key == "Threads") st.threads = v;
    } else if (key == "Uid") {
      need(parse_ids(value, &st.uid, &st.euid), key);
    } else if (key == "Gid") {
      need(parse_ids(value, &st.gid, &st.egid), key);
    } else if (key == "Kthread") {
      st.kernel_thread = value == "1";
    } else if (key == "VmSize") {
      bytes(&st.vm_size_bytes, key, value);
    } else if (key == "VmRSS") {
      bytes(&st.vm_rss_bytes, key, value);
    } else if (key == "RssAnon") {
      bytes(&st.rss_anon_bytes, key, value);
    } else if (key == "RssFile") {
      bytes(&st.rss_file_bytes, key, value);
    } else if (key == "RssShmem") {
      bytes(&st.rss_shmem_bytes, key, value);
    } else if (key == "VmSwap") {
      bytes(&st.vm_swap_bytes, key, value);
    } else if (key == "voluntary_ctxt_switches") {
      count(&st.voluntary_ctxt_switches, key, value);
    } else if (key == "nonvoluntary_ctxt_switches") {
      count(&st.nonvoluntary_ctxt_switches, key, value);
    } else if (key == "Cpus_allowed_list") {
      st.cpus_allowed_list = std::string(value);
    } else if (key == "NSpid") {
      if (!parse_pid_list(value, &st.nspid) && bad.empty()) bad = "NSpid";
    }
  });
  if (!bad.empty()) return parse_error("bad " + bad);
  for (unsigned bit = 0; bit < std::size(kRequired); ++bit)
    if (!(seen & (1u << bit))) return parse_error("no " + std::string(kRequired[bit]) + " line (truncated?)");
  return st;
}

}  // namespace

std::string unescape_task_name(std::string_view escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\\' && i + 1 < escaped.size() && (escaped[i + 1] == 'n' || escaped[i + 1] == '\\')) {
      out.push_back(escaped[i + 1] == 'n' ? '\n' : '\\');
      ++i;
    } else {
      out.push_back(escaped[i]);
    }
  }
  return out;
}

Result<ProcStatus> parse_proc_status(std::string_view text) {
  return parse_status(text, "/proc/PID/status");
}

Result<ProcStatus> read_proc_status(pid_t pid) {
  std::string dir = proc_dir(pid);
  auto text = read_proc_text(dir, "status");
  if (!text) return text.error();
  return parse_status(*text, dir + "/status");
}

Result<ProcStatus> read_task_status(pid_t pid, pid_t tid) {
  std::string dir = proc_task_dir(pid, tid);
  auto text = read_proc_text(dir, "status");
  if (!text) return text.error();
  return parse_status(*text, dir + "/status");
}

}  // namespace tend
