#include "proc/proc_smaps_rollup.h"

#include <functional>
#include <map>
#include <string>

#include "proc/proc_files.h"
#include "proc/proc_text.h"

namespace tend {

Result<SmapsRollup> parse_smaps_rollup(std::string_view text) {
  // Every line but the first is "Key: <n> kB". The first names the address range ("...-... ---p 00000000
  // 00:00 0 [rollup]"); its value does not parse as a size, so it drops out here.
  std::map<std::string, std::uint64_t, std::less<>> bytes;
  for_each_key_value(text, [&](std::string_view key, std::string_view value) {
    if (auto b = parse_kib_as_bytes(value)) bytes.emplace(key, *b);
  });
  auto get = [&](std::string_view key) -> std::optional<std::uint64_t> {
    auto it = bytes.find(key);
    return it == bytes.end() ? std::nullopt : std::optional(it->second);
  };
  if (!get("Rss") || !get("Pss"))
    return Error{EINVAL, "unable to parse /proc/PID/smaps_rollup: no Rss or Pss line (truncated?)"};
  SmapsRollup r;
  r.rss_bytes = *get("Rss");
  r.pss_bytes = *get("Pss");
  r.pss_anon_bytes = get("Pss_Anon");
  r.pss_file_bytes = get("Pss_File");
  r.pss_shmem_bytes = get("Pss_Shmem");
  r.shared_bytes = get("Shared_Clean").value_or(0) + get("Shared_Dirty").value_or(0);
  r.private_bytes = get("Private_Clean").value_or(0) + get("Private_Dirty").value_or(0);
  r.swap_bytes = get("Swap").value_or(0);
  r.swap_pss_bytes = get("SwapPss").value_or(0);
  return r;
}

Result<SmapsRollup> read_smaps_rollup(pid_t pid) {
  auto text = read_proc_text(proc_dir(pid), "smaps_rollup");
  if (!text) return text.error();
  // A kernel thread's or zombie's file opens but reads empty on some kernels (ESRCH on others).
  if (text->empty())
    return Error{kProcNoAddressSpace, "unable to read " + proc_dir(pid) + "/smaps_rollup: no address space"};
  return parse_smaps_rollup(*text);
}

}  // namespace tend
