#pragma once
#include <sys/types.h>

namespace tend {

/// Something other than an instance that starts children (the job queue). The supervisor's reaper reaps
/// with waitpid(-1) and hands each registered pid's wait status to its owner.
class ChildOwner {
 public:
  /// pid was reaped (it is no longer registered when this runs).
  virtual void on_child_reaped(pid_t pid, int wait_status) = 0;

 protected:
  ~ChildOwner() = default;
};

}  // namespace tend
