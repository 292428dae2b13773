#include "ids.h"

#include <cstdio>
#include <functional>
#include <random>
#include <thread>

namespace sf2pg::sfemu {

std::string UuidText(uint64_t a, uint64_t b) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08llx-%04llx-4%03llx-%04llx-%012llx",
                static_cast<unsigned long long>(a >> 32),
                static_cast<unsigned long long>((a >> 16) & 0xffff),
                static_cast<unsigned long long>(a & 0xfff),
                static_cast<unsigned long long>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buffer;
}

std::string NewUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   std::hash<std::thread::id>{}(std::this_thread::get_id())};
  uint64_t a = rng();
  return UuidText(a, rng());
}

}  // namespace sf2pg::sfemu
