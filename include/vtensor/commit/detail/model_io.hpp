// vtensor/commit/detail/model_io.hpp — the POSIX file plumbing of streamed model
// commitments (commit/model.hpp): an owning file descriptor with whole-buffer
// pread/pwrite, hole punching, and a path that removes its file when it dies.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <future>
#include <random>
#include <string>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vtensor/error.hpp"

namespace vtensor::model_detail {

inline std::string errno_text() { return std::error_code(errno, std::generic_category()).message(); }

// An open file descriptor, closed on destruction. Errors are vtensor::Error naming the path.
class File {
 public:
  File() = default;
  File(const std::filesystem::path& path, int flags, mode_t mode = 0600) : path_(path.string()) {
    do fd_ = ::open(path_.c_str(), flags | O_CLOEXEC, mode);
    while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0) throw Error("cannot open '" + path_ + "': " + errno_text());
  }
  File(File&& o) noexcept : fd_(std::exchange(o.fd_, -1)), path_(std::move(o.path_)) {}
  File& operator=(File&& o) noexcept {
    if (this != &o) {
      close();
      fd_ = std::exchange(o.fd_, -1);
      path_ = std::move(o.path_);
    }
    return *this;
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() { close(); }

  bool is_open() const noexcept { return fd_ >= 0; }
  const std::string& path() const noexcept { return path_; }

  std::uint64_t size() const {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw Error("cannot stat '" + path_ + "': " + errno_text());
    return static_cast<std::uint64_t>(st.st_size);
  }

  // Reads exactly len bytes at off; returns the number read (< len only at end of file).
  std::size_t pread_some(void* buf, std::size_t len, std::uint64_t off) const {
    auto* p = static_cast<char*>(buf);
    std::size_t done = 0;
    while (done < len) {
      const ssize_t r = ::pread(fd_, p + done, len - done, static_cast<off_t>(off + done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw Error("cannot read '" + path_ + "': " + errno_text());
      if (r == 0) break;
      done += static_cast<std::size_t>(r);
    }
    return done;
  }
  void pread_all(void* buf, std::size_t len, std::uint64_t off) const {
    if (pread_some(buf, len, off) != len)
      throw DecodeError("'" + path_ + "' ends before byte " + std::to_string(off + len));
  }
  void pwrite_all(const void* buf, std::size_t len, std::uint64_t off) const {
    const auto* p = static_cast<const char*>(buf);
    std::size_t done = 0;
    while (done < len) {
      const ssize_t r = ::pwrite(fd_, p + done, len - done, static_cast<off_t>(off + done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) throw Error("cannot write '" + path_ + "': " + errno_text());
      done += static_cast<std::size_t>(r);
    }
  }
  // Frees the disk blocks of [off, off + len) (they read back as zeros). Advisory: a
  // file system without hole punching just keeps them.
  void punch_hole([[maybe_unused]] std::uint64_t off, [[maybe_unused]] std::uint64_t len) const noexcept {
#if defined(__linux__) && defined(FALLOC_FL_PUNCH_HOLE)
    (void)::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(off), static_cast<off_t>(len));
#endif
  }

 private:
  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
  std::string path_;
};

// A file path that owns its file: removed when the object dies, unless released.
class OwnedPath {
 public:
  OwnedPath() = default;
  explicit OwnedPath(std::filesystem::path p) : p_(std::move(p)) {}
  OwnedPath(OwnedPath&& o) noexcept : p_(std::exchange(o.p_, {})) {}
  OwnedPath& operator=(OwnedPath&& o) noexcept {
    if (this != &o) {
      remove();
      p_ = std::exchange(o.p_, {});
    }
    return *this;
  }
  OwnedPath(const OwnedPath&) = delete;
  OwnedPath& operator=(const OwnedPath&) = delete;
  ~OwnedPath() { remove(); }

  const std::filesystem::path& path() const noexcept { return p_; }
  std::filesystem::path release() noexcept { return std::exchange(p_, {}); }

 private:
  void remove() noexcept {
    if (p_.empty()) return;
    std::error_code ec;
    std::filesystem::remove(p_, ec);
    p_.clear();
  }
  std::filesystem::path p_;
};

// One task at a time on a helper thread (file I/O beside the compute): start() first
// waits for the previous task; wait() rethrows a task's exception.
class Background {
 public:
  Background() = default;
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background() {
    if (f_.valid()) f_.wait();
  }
  template <class Fn>
  void start(Fn&& fn) {
    wait();
    f_ = std::async(std::launch::async, std::forward<Fn>(fn));
  }
  void wait() {
    if (f_.valid()) f_.get();
  }

 private:
  std::future<void> f_;
};

// Creates a new empty file dir/stem-<random>.bin (O_EXCL: never an existing one) and
// returns it open for reading and writing, with its owning path.
inline std::pair<File, OwnedPath> create_unique(const std::filesystem::path& dir, const std::string& stem) {
  std::random_device rd;
  for (int attempt = 0; attempt < 64; ++attempt) {
    const std::uint64_t tag = (std::uint64_t{rd()} << 32) ^ rd() ^ static_cast<std::uint64_t>(::getpid());
    char hex[17];
    for (int i = 0; i < 16; ++i) hex[i] = "0123456789abcdef"[(tag >> (4 * (15 - i))) & 15];
    hex[16] = 0;
    const auto p = dir / (stem + "-" + hex + ".bin");
    const int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) throw Error("cannot create '" + p.string() + "': " + errno_text());
    ::close(fd);
    OwnedPath owned(p);
    return {File(p, O_RDWR), std::move(owned)};
  }
  throw Error("cannot create a unique file in '" + dir.string() + "'");
}

}  // namespace vtensor::model_detail
