#include "proc/proc_io.h"

#include <string>

#include "proc/proc_files.h"
#include "proc/proc_text.h"

namespace tend {

Result<ProcIo> parse_proc_io(std::string_view text) {
  ProcIo io;
  struct Field {
    std::string_view key;
    std::uint64_t* out;
    bool seen = false;
  };
  Field fields[] = {{"rchar", &io.rchar},           {"wchar", &io.wchar},
                    {"syscr", &io.syscr},           {"syscw", &io.syscw},
                    {"read_bytes", &io.read_bytes}, {"write_bytes", &io.write_bytes},
                    {"cancelled_write_bytes", &io.cancelled_write_bytes}};
  for_each_key_value(text, [&](std::string_view key, std::string_view value) {
    for (Field& f : fields) {
      if (f.key != key) continue;
      auto n = parse_u64(value);
      if (n) *f.out = *n;
      f.seen = n.has_value();
    }
  });
  for (const Field& f : fields)
    if (!f.seen) return Error{EINVAL, "unable to parse /proc/PID/io: no valid " + std::string(f.key) + " line"};
  return io;
}

Result<ProcIo> read_proc_io(pid_t pid) {
  auto text = read_proc_text(proc_dir(pid), "io");
  if (!text) return text.error();
  return parse_proc_io(*text);
}

}  // namespace tend
