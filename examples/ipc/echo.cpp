// A tend child in C++ on its message channel (docs/ipc.md): one JSON document per line, both ways.
//   c++ -std=c++17 -o echo echo.cpp
//   tend start --name echo --ready ipc -- ./echo
//   tend send echo '{"hello": 1}' --wait-reply 2s      → {"echo":{"hello":1}}
// A line is one whole JSON document, so wrapping it in another needs no JSON library.
#include <unistd.h>

#include <cstdlib>
#include <string>

int main() {
  const char* fd_text = std::getenv("TEND_IPC_FD");
  if (fd_text == nullptr) return 1;
  int fd = std::atoi(fd_text);
  auto send = [fd](const std::string& json) {
    std::string line = json + "\n";
    for (size_t done = 0; done < line.size();) {
      ssize_t n = ::write(fd, line.data() + done, line.size() - done);
      if (n <= 0) return false;
      done += size_t(n);
    }
    return true;
  };
  send(R"({"tend":"ready"})");  // starting -> running
  std::string buffer;
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return 0;  // tend closed the channel
    buffer.append(chunk, size_t(n));
    for (size_t nl; (nl = buffer.find('\n')) != std::string::npos; buffer.erase(0, nl + 1))
      if (!send(R"({"echo":)" + buffer.substr(0, nl) + "}")) return 1;
  }
}
