// Streamed model commitment benchmark: pcs_model_commit/N commits a synthetic model
// file of 99 tensors, 2^N entries in all (docs/model_commitment.md), as one WHIR
// polynomial (R = 2, k = 4, final_vars = 6, chunk_log = min(24, N − 6)).
//
// The commit runs in a child process so that its peak RSS (getrusage ru_maxrss) is
// its own: the benchmark re-executes this binary (/proc/self/exe) with
// VTENSOR_BENCH_MODEL_CHILD set, and a static initializer below runs the commit and
// exits before main. (A plain fork() would not do: the OpenMP runtime of a process
// that has run a parallel region hangs in a forked child.) Files live in
// $VTENSOR_BENCH_DIR (default /tmp)/vtensor_bench_model_<pid>, removed afterwards;
// they need about 8·2^N (model) + 2 × 8·2^{N+2} bytes (scratch, codeword) of disk,
// less where the file system punches holes.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vtensor/commit/model.hpp"

extern char** environ;

using namespace vtensor;

namespace {

constexpr const char* kChildVar = "VTENSOR_BENCH_MODEL_CHILD";

// 32 layers of (mlp 2^{N-6}, two attention matrices 2^{N-7}); the last attention
// matrix is replaced by four norms of 2^{N-9} − 3j − 1 entries (padded 2^{N-9}).
ModelLayout synthetic_layout(unsigned n) {
  std::vector<ModelTensorSpec> s;
  for (int i = 0; i < 32; ++i) {
    const std::string p = "layers." + std::to_string(i) + ".";
    s.push_back({p + "mlp.up", std::uint64_t{1} << (n - 6)});
    s.push_back({p + "attn.q", std::uint64_t{1} << (n - 7)});
    if (i < 31) s.push_back({p + "attn.o", std::uint64_t{1} << (n - 7)});
  }
  for (std::uint64_t j = 0; j < 4; ++j) s.push_back({"norm." + std::to_string(j), (std::uint64_t{1} << (n - 9)) - 3 * j - 1});
  return ModelLayout(s);
}

WhirParams params_for(unsigned n) {
  WhirParams p;
  p.num_vars = n;
  p.log_inv_rate = 2;
  p.folding_factor = 4;
  p.final_vars = 6;
  return p;
}

unsigned chunk_log_for(unsigned n) { return std::min(24u, n - 6); }

// The model file: each tensor's entries, splitmix64 reduced mod p, little-endian.
void write_model_file(const std::filesystem::path& path, const ModelLayout& l) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw Error("cannot create " + path.string());
  std::vector<std::uint64_t> buf(std::size_t{1} << 20);
  std::uint64_t x = 0x243F6A8885A308D3ULL;
  for (const auto& t : l.tensors()) {
    for (std::uint64_t done = 0; done < t.numel;) {
      const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), t.numel - done));
      for (std::size_t i = 0; i < k; ++i) {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        buf[i] = Goldilocks::from_u64(z ^ (z >> 31)).value();  // little-endian host
      }
      if (std::fwrite(buf.data(), 8, k, f) != k) throw Error("cannot write " + path.string());
      done += k;
    }
  }
  if (std::fclose(f) != 0) throw Error("cannot write " + path.string());
}

// Child side: "<model>|<dir>|<n>|<fd>" → writes "<seconds> <peak rss bytes> <codeword bytes> <codeword path>".
[[noreturn]] void run_child(const char* spec) {
  const std::string s(spec);
  const auto a = s.find('|'), b = s.find('|', a + 1), c = s.find('|', b + 1);
  const std::filesystem::path model = s.substr(0, a), dir = s.substr(a + 1, b - a - 1);
  const unsigned n = static_cast<unsigned>(std::stoul(s.substr(b + 1, c - b - 1)));
  const int fd = std::stoi(s.substr(c + 1));
  std::string msg;
  try {
    FileModelSource src(synthetic_layout(n), model);
    ModelCommitOptions opt;
    opt.chunk_log = chunk_log_for(n);
    opt.dir = dir;
    const auto t0 = std::chrono::steady_clock::now();
    ModelProverData pd = commit_model(params_for(n), src, opt);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    const auto bytes = std::filesystem::file_size(pd.codeword_path());
    const auto cw = pd.release_codeword();  // the parent removes it, outside the timing
    msg = std::to_string(secs) + " " + std::to_string(static_cast<std::uint64_t>(ru.ru_maxrss) * 1024) + " " +
          std::to_string(bytes) + " " + cw.string();
  } catch (const std::exception& e) {
    msg = std::string("error ") + e.what();
  }
  std::size_t off = 0;
  while (off < msg.size()) {
    const ssize_t w = ::write(fd, msg.data() + off, msg.size() - off);
    if (w <= 0) break;
    off += static_cast<std::size_t>(w);
  }
  ::_exit(0);
}

[[maybe_unused]] const bool kChildHook = [] {
  if (const char* spec = std::getenv(kChildVar)) run_child(spec);
  return false;
}();

struct ChildResult {
  double secs = 0, rss = 0, codeword = 0;
  std::string codeword_path, error;
};

ChildResult spawn_commit(const std::filesystem::path& model, const std::filesystem::path& dir, unsigned n) {
  int p[2];
  if (::pipe(p) != 0) throw Error("pipe failed");
  const std::string var = std::string(kChildVar) + "=" + model.string() + "|" + dir.string() + "|" + std::to_string(n) +
                          "|" + std::to_string(p[1]);
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) env.push_back(*e);
  env.push_back(const_cast<char*>(var.c_str()));
  env.push_back(nullptr);
  char exe[] = "/proc/self/exe";
  char* argv[] = {exe, nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv, env.data());
  ::close(p[1]);
  if (rc != 0) {
    ::close(p[0]);
    throw Error("posix_spawn failed");
  }
  std::string out;
  char buf[4096];
  for (ssize_t r; (r = ::read(p[0], buf, sizeof buf)) != 0;) {
    if (r < 0) break;
    out.append(buf, static_cast<std::size_t>(r));
  }
  ::close(p[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ChildResult res;
  if (out.rfind("error ", 0) == 0 || out.empty()) {
    res.error = out.empty() ? "the child died (status " + std::to_string(status) + ")" : out.substr(6);
    return res;
  }
  char path[4096] = {0};
  if (std::sscanf(out.c_str(), "%lf %lf %lf %4095s", &res.secs, &res.rss, &res.codeword, path) != 4)
    res.error = "unreadable child report: " + out;
  res.codeword_path = path;
  return res;
}

void pcs_model_commit(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const char* base = std::getenv("VTENSOR_BENCH_DIR");
  const std::filesystem::path dir =
      std::filesystem::path(base ? base : "/tmp") / ("vtensor_bench_model_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto model = dir / ("model_" + std::to_string(n) + ".bin");
  write_model_file(model, synthetic_layout(n));  // once per run; every iteration reads it
  ChildResult res;
  std::vector<std::string> leftovers;
  for (auto _ : state) {
    res = spawn_commit(model, dir, n);
    if (!res.codeword_path.empty()) leftovers.push_back(res.codeword_path);
    if (!res.error.empty()) break;
  }
  std::error_code ec;
  for (const auto& p : leftovers) std::filesystem::remove(p, ec);
  std::filesystem::remove_all(dir, ec);
  if (!res.error.empty()) {
    state.SkipWithError(res.error.c_str());
    return;
  }
  state.counters["commit_s"] = res.secs;
  state.counters["peak_rss_bytes"] = res.rss;
  state.counters["codeword_bytes"] = res.codeword;
  state.counters["chunk_log"] = chunk_log_for(n);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) << n);
}

}  // namespace

BENCHMARK(pcs_model_commit)->Arg(24)->Arg(30)->Iterations(1)->UseRealTime()->Unit(benchmark::kSecond);
