#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "util/result.h"

namespace tend {

/// /proc/PID/syscall (and task/TID/syscall): where a blocked task is — the system call it waits in, its
/// stack pointer and program counter — the part of the PCB/TCB execution context the kernel exposes.
struct ProcSyscall {
  bool running = false;         // "running": on a CPU now, nothing more to say
  std::optional<long> number;   // the system call; nullopt when blocked outside one ("-1 sp pc")
  std::uint64_t stack_pointer = 0;
  std::uint64_t program_counter = 0;
};

/// Parses "running", "-1 SP PC" or "NR A1 A2 A3 A4 A5 A6 SP PC" (hex words); EINVAL otherwise.
Result<ProcSyscall> parse_proc_syscall(std::string_view text);
/// Reads it. EACCES unless we may ptrace-attach (same user without Yama restrictions, or root).
Result<ProcSyscall> read_proc_syscall(pid_t pid, pid_t tid = 0);
/// /proc/PID/wchan (or task/TID/wchan): the kernel function a sleeping task waits in; nullopt when it
/// runs or the kernel hides it ("0").
std::optional<std::string> read_proc_wchan(pid_t pid, pid_t tid = 0);

}  // namespace tend
