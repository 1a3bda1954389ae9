// One rank's c10d process group over Gloo (see dist_group.h): rendezvous through a TCPStore or FileStore,
// collectives on flat buckets, and errors that name the operation, this rank and the peer.
#include "dist_group.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <unistd.h>

#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <gloo/transport/tcp/address.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <sstream>

namespace dcgan {
namespace dist {
namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

// ProcessGroupGloo keeps its Gloo contexts protected; reading them tells which connection leads to which
// peer (the far end Gloo prints in its errors) and which sockets Abort must shut.
class InspectableGloo : public c10d::ProcessGroupGloo {
 public:
  using ProcessGroupGloo::ProcessGroupGloo;
  const std::vector<std::shared_ptr<::gloo::Context>>& contexts() const { return contexts_; }
};

// The first line of an exception's text, without c10's backtrace or Gloo's "[file.cc:123] " prefixes.
std::string Clean(std::string s) {
  auto cut = s.find("\nException raised from");
  if (cut != std::string::npos) s.resize(cut);
  // Gloo: "[./gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:1234": drop each
  // bracketed source location (no spaces, a ':' after a file name).
  for (size_t from = 0;;) {
    auto open = s.find('[', from);
    if (open == std::string::npos) break;
    auto close = s.find(']', open);
    if (close == std::string::npos) break;
    std::string inside = s.substr(open + 1, close - open - 1);
    bool location = inside.find(' ') == std::string::npos &&
                    (inside.find(".cc:") != std::string::npos || inside.find(".cpp:") != std::string::npos || inside.find(".h:") != std::string::npos);
    if (!location) {
      from = close + 1;
      continue;
    }
    size_t end = close + 1;
    while (end < s.size() && s[end] == ' ') ++end;
    s.erase(open, end - open);
    from = open;
  }
  auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string Describe(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const c10::Error& err) {
    return Clean(err.what_without_backtrace());
  } catch (const std::exception& err) {
    return Clean(err.what());
  } catch (...) {
    return "unknown error";
  }
}

bool Contains(const std::string& s, const char* what) {
  std::string a = s, b = what;
  std::transform(a.begin(), a.end(), a.begin(), ::tolower);
  std::transform(b.begin(), b.end(), b.begin(), ::tolower);
  return a.find(b) != std::string::npos;
}

std::string Seconds(int64_t ms) {
  std::ostringstream o;
  if (ms % 1000 == 0) o << ms / 1000;
  else o << static_cast<double>(ms) / 1000;
  o << " s";
  return o.str();
}

std::string RankList(const std::vector<int>& ranks) {
  std::string s;
  for (size_t i = 0; i < ranks.size(); ++i) s += (i ? ", " : "") + std::to_string(ranks[i]);
  return s;
}

std::vector<uint8_t> Bytes(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }
std::string Text(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

// The address in Gloo's device description "tcp, pci=, iface=lo, speed=0, addr=[127.0.0.1]".
std::string DeviceAddress(const std::string& desc) {
  auto at = desc.find("addr=[");
  if (at == std::string::npos) return "";
  auto end = desc.find(']', at);
  return end == std::string::npos ? "" : desc.substr(at + 6, end - at - 6);
}

bool SameEndpoint(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    auto* x = reinterpret_cast<const sockaddr_in*>(&a);
    auto* y = reinterpret_cast<const sockaddr_in*>(&b);
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  if (a.ss_family == AF_INET6) {
    auto* x = reinterpret_cast<const sockaddr_in6*>(&a);
    auto* y = reinterpret_cast<const sockaddr_in6*>(&b);
    return x->sin6_port == y->sin6_port && std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(in6_addr)) == 0;
  }
  return false;
}

template <typename T>
void CopyDiv(const T* src, T* dst, int64_t n, double divisor) {
  if (divisor == 1) {
    if (dst != src) std::memcpy(dst, src, n * sizeof(T));
    return;
  }
  const T d = static_cast<T>(divisor);
  for (int64_t i = 0; i < n; ++i) dst[i] = src[i] / d;
}

}  // namespace

void Flatten(const std::vector<at::Tensor>& xs, at::Tensor& bucket, double divisor) {
  int64_t off = 0;
  for (const at::Tensor& x : xs) {
    const int64_t n = x.numel();
    if (bucket.scalar_type() == at::kFloat) CopyDiv(x.data_ptr<float>(), bucket.data_ptr<float>() + off, n, divisor);
    else CopyDiv(x.data_ptr<int32_t>(), bucket.data_ptr<int32_t>() + off, n, divisor);
    off += n;
  }
}

void Unflatten(const at::Tensor& bucket, const std::vector<at::Tensor>& xs) {
  const size_t item = bucket.element_size();
  const uint8_t* src = static_cast<const uint8_t*>(bucket.data_ptr());
  for (const at::Tensor& x : xs) {
    const size_t bytes = x.numel() * item;
    std::memcpy(x.data_ptr(), src, bytes);
    src += bytes;
  }
}

// ---- the thread ----

Group::Group(RendezvousOptions options) : options_(std::move(options)) {
  thread_ = std::thread([this] { Loop(); });
}

Group::~Group() {
  Stop();
  if (thread_.joinable()) thread_.join();
}

void Group::Submit(std::function<void()> work) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(work));
  }
  cv_.notify_all();
}

bool Group::RunNowIfIdle(const std::function<void()>& work) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (busy_ || stopping_ || !queue_.empty()) return false;
    busy_ = true;
  }
  work();
  {
    std::lock_guard<std::mutex> lock(mu_);
    busy_ = false;
  }
  cv_.notify_all();
  return true;
}

void Group::Stop(std::function<void()> after) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (after) after_ = std::move(after);
  }
  cv_.notify_all();
}

bool Group::WaitStopped(int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, Ms(ms), [&] { return stopped_; });
}

void Group::Loop() {
  for (;;) {
    std::function<void()> work;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return !busy_ && (stopping_ || !queue_.empty()); });
      if (queue_.empty()) break;
      work = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    work();  // submitted work catches its own exceptions (dist.cc)
    {
      std::lock_guard<std::mutex> lock(mu_);
      busy_ = false;
    }
    cv_.notify_all();
  }
  // Tear down here, not on the JavaScript thread: the process group's destructor joins Gloo's threads.
  try {
    pg_.reset();
    store_.reset();
  } catch (...) {
  }
  std::function<void()> after;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    after = std::move(after_);
  }
  cv_.notify_all();
  if (after) after();
}

std::string Group::broken() const {
  std::lock_guard<std::mutex> lock(mu_);
  return broken_;
}

std::vector<Peer> Group::peers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peers_;
}

// ---- messages ----

std::string Group::Prefix(const char* name) const {
  return std::string(name) + " (rank " + std::to_string(options_.rank) + " of " + std::to_string(options_.world) + ")";
}

std::string Group::Who(int rank) const {
  std::string s = "rank " + std::to_string(rank);
  std::lock_guard<std::mutex> lock(mu_);
  for (const Peer& p : peers_) {
    if (p.rank != rank) continue;
    if (!p.hostname.empty() && !p.address.empty()) s += " (" + p.hostname + ", " + p.address + ")";
    else if (!p.address.empty()) s += " (" + p.address + ")";
  }
  return s;
}

int Group::PeerOfEndpoint(const std::string& text) const {
  for (const auto& [endpoint, rank] : endpointRank_) {
    if (text.find(endpoint) != std::string::npos) return rank;
  }
  // An address alone names the peer when only one other rank uses it (one rank per host).
  auto open = text.find('[');
  auto close = text.find(']', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return -1;
  std::string ip = text.substr(open + 1, close - open - 1);
  int found = -1;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Peer& p : peers_) {
    if (p.rank == options_.rank || p.address != ip) continue;
    if (found >= 0) return -1;
    found = p.rank;
  }
  return found;
}

void Group::CheckUsable(const char* name) {
  std::string b = broken();
  if (!b.empty()) {
    throw Failure(Prefix(name) + ": the group failed earlier (" + b + "); destroy it and rendezvous again", "broken");
  }
  if (!pg_) throw Failure(Prefix(name) + ": the group is not connected (its rendezvous did not complete)", "broken");
}

void Group::FailRendezvous(const std::string& what, const std::string& detail, int peer) {
  std::string msg = Prefix("rendezvous") + ": " + what;
  {
    std::lock_guard<std::mutex> lock(mu_);
    broken_ = msg;
  }
  throw Failure(msg, "rendezvous", peer, {}, detail);
}

// ---- rendezvous ----

void Group::Rendezvous(const std::function<void(int port)>& onListening) {
  const RendezvousOptions& o = options_;
  const int64_t rdzvMs = o.rendezvousTimeoutMs > 0 ? o.rendezvousTimeoutMs : o.timeoutMs;
  const Ms timeout(rdzvMs);
  const std::string t = Seconds(rdzvMs);
  std::string where;

  // 1. The store: rank 0 hosts a TCPStore (its server is a thread of rank 0), or a file every rank shares.
  c10::intrusive_ptr<c10d::Store> base;
  if (!o.storePath.empty()) {
    where = "the file store " + o.storePath;
    try {
      base = c10::make_intrusive<c10d::FileStore>(o.storePath, o.world);
      base->setTimeout(timeout);
    } catch (...) {
      std::string d = Describe(std::current_exception());
      FailRendezvous("cannot open " + where + ": " + d + "; give a folder every rank can write", d);
    }
    if (onListening) onListening(0);
  } else {
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(o.storePort);
    so.isServer = o.rank == 0;
    so.numWorkers = c10::nullopt;  // joining is checked below, naming who is missing
    so.waitWorkers = false;
    so.timeout = timeout;
    where = "the store at " + o.storeHost + ":" + std::to_string(o.storePort);
    try {
      auto tcp = c10::make_intrusive<c10d::TCPStore>(o.storeHost, so);
      where = "the store at " + o.storeHost + ":" + std::to_string(tcp->getPort());
      if (onListening && o.rank == 0) onListening(tcp->getPort());
      base = tcp;
    } catch (...) {
      std::string d = Describe(std::current_exception());
      if (o.rank == 0 && (Contains(d, "address already in use") || Contains(d, "bind"))) {
        FailRendezvous("cannot host the store on port " + std::to_string(o.storePort) + ": " + d + "; choose a free port, or 0 to let the system pick one", d);
      }
      FailRendezvous("no store answered at " + o.storeHost + ":" + std::to_string(o.storePort) + " within " + t +
                         " (rank 0 hosts it): start rank 0, and check the master address and port (" + d + ")", d, 0);
    }
  }
  // Keys of this library, apart from anything else sharing the store.
  store_ = c10::make_intrusive<c10d::PrefixStore>("dcgan", base);

  // 2. Claim this rank: a second process with the same rank, or a stale store file, shows up here.
  auto storeCall = [&](const std::string& doing, const std::function<void()>& f) {
    try {
      f();
    } catch (const Failure&) {
      throw;
    } catch (...) {
      std::string d = Describe(std::current_exception());
      FailRendezvous(where + " failed while " + doing + " (" + d + "); did rank 0 stop?", d, 0);
    }
  };
  int64_t claims = 0;
  storeCall("claiming this rank", [&] { claims = store_->add("claim/" + std::to_string(o.rank), 1); });
  if (claims > 1) {
    FailRendezvous("another process already joined as rank " + std::to_string(o.rank) + " (" + where +
                       "): give every worker its own rank, and every job a fresh store", "");
  }

  // 3. The device Gloo binds: an interface or an address of this host.
  std::shared_ptr<::gloo::transport::Device> device;
  try {
    device = o.deviceIsInterface ? c10d::ProcessGroupGloo::createDeviceForInterface(o.device)
                                 : c10d::ProcessGroupGloo::createDeviceForHostname(o.device);
  } catch (...) {
    std::string d = Describe(std::current_exception());
    FailRendezvous(std::string("cannot bind Gloo to ") + (o.deviceIsInterface ? "the interface '" : "the address '") + o.device +
                       "' (" + d + "): give an interface name or an address of this host", d);
  }
  std::string address = DeviceAddress(device->str());

  // 4. The peers table: every rank's host name, address, pid, world size and the caller's bytes.
  std::ostringstream rec;
  rec << o.world << '\n' << o.hostname << '\n' << address << '\n' << getpid() << '\n' << o.meta;
  storeCall("publishing this rank", [&] { store_->set("info/" + std::to_string(o.rank), Bytes(rec.str())); });
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    std::vector<int> missing;
    storeCall("waiting for the other ranks", [&] {
      for (int r = 0; r < o.world; ++r) {
        if (!store_->check({"info/" + std::to_string(r)})) missing.push_back(r);
      }
    });
    if (missing.empty()) break;
    if (Clock::now() >= deadline) {
      FailRendezvous(std::string(missing.size() == 1 ? "rank " : "ranks ") + RankList(missing) + " did not join within " + t + " (" + where +
                         "): start every worker, with the same master address and world size", "", missing.size() == 1 ? missing[0] : -1);
    }
    std::this_thread::sleep_for(Ms(20));
  }
  std::vector<Peer> peers;
  for (int r = 0; r < o.world; ++r) {
    std::string s;
    storeCall("reading the peers table", [&] { s = Text(store_->get("info/" + std::to_string(r))); });
    std::istringstream in(s);
    Peer p;
    p.rank = r;
    std::string world, pid;
    std::getline(in, world);
    std::getline(in, p.hostname);
    std::getline(in, p.address);
    std::getline(in, pid);
    std::getline(in, p.meta, '\0');
    p.pid = std::atoll(pid.c_str());
    if (std::atoi(world.c_str()) != o.world) {
      FailRendezvous("rank " + std::to_string(r) + " was started with a world size of " + world + ", this rank with " +
                         std::to_string(o.world) + ": start every worker with the same world size", "", r);
    }
    peers.push_back(std::move(p));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    peers_ = peers;
  }

  // 5. The Gloo process group: a full mesh of connections, one per peer.
  auto options = c10d::ProcessGroupGloo::Options::create(Ms(o.timeoutMs));
  options->devices.push_back(device);
  options->threads = 1;  // one collective at a time: this thread waits for each
  c10::intrusive_ptr<InspectableGloo> pg;
  try {
    pg = c10::make_intrusive<InspectableGloo>(store_, o.rank, o.world, options);
  } catch (...) {
    std::string d = Describe(std::current_exception());
    int peer = PeerOfEndpoint(d);
    std::string hint = "check that every rank can reach every other's address";
    for (const Peer& p : peers) {
      if (p.address.rfind("127.", 0) == 0 && p.hostname != o.hostname) {
        hint = Who(p.rank) + " bound a loopback address while the ranks run on several hosts: give each its interface or address";
        break;
      }
    }
    FailRendezvous(std::string("cannot connect the ranks") + (peer >= 0 ? " to " + Who(peer) : "") + " (" + d + "): " + hint, d, peer);
  }

  // 6. Which connection leads to which peer: each rank publishes the local end of its connection to every
  // other; the far end Gloo names in an error is the peer's local end.
  std::vector<std::pair<int, sockaddr_storage>> ends;
  std::ostringstream mine;
  const auto& ctx = pg->contexts().at(0);
  for (int r = 0; r < o.world; ++r) {
    if (r == o.rank) continue;
    auto* a = dynamic_cast<const ::gloo::transport::tcp::Address*>(&ctx->getPair(r)->address());
    if (!a) continue;
    ends.emplace_back(r, a->getSockaddr());
    mine << r << '\t' << a->str() << '\n';
  }
  storeCall("publishing connections", [&] { store_->set("ends/" + std::to_string(o.rank), Bytes(mine.str())); });
  std::map<std::string, int> endpointRank;
  for (int r = 0; r < o.world; ++r) {
    if (r == o.rank) continue;
    std::string s;
    storeCall("reading connections", [&] {
      store_->wait({"ends/" + std::to_string(r)}, timeout);
      s = Text(store_->get("ends/" + std::to_string(r)));
    });
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line)) {
      auto tab = line.find('\t');
      if (tab == std::string::npos) continue;
      if (std::atoi(line.substr(0, tab).c_str()) == o.rank) endpointRank[line.substr(tab + 1)] = r;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [r, local] : ends) {
      for (const auto& [far, peer] : endpointRank) {
        if (peer == r) connections_.push_back({local, far});
      }
    }
    endpointRank_ = endpointRank;
  }
  pg_ = pg;
  ready_ = true;
}

// ---- collectives ----

namespace {
void WaitFor(const c10::intrusive_ptr<c10d::Work>& work, int64_t timeoutMs) {
  // Gloo bounds the collective by the group's timeout; this bound only guards against a wait that Gloo
  // itself fails to end (it throws "Operation timed out!").
  work->wait(Ms(timeoutMs + 10000));
}
}  // namespace

void Group::Allreduce(at::Tensor bucket, Reduce op, const char* name) {
  CheckUsable(name);
  try {
    std::vector<at::Tensor> v{bucket};
    c10d::AllreduceOptions opts;
    opts.reduceOp = op == Reduce::kMax ? c10d::ReduceOp::MAX : op == Reduce::kMin ? c10d::ReduceOp::MIN : c10d::ReduceOp::SUM;
    WaitFor(pg_->allreduce(v, opts), options_.timeoutMs);
  } catch (...) {
    Fail(name, std::current_exception());
  }
}

void Group::Broadcast(at::Tensor bucket, int root, const char* name) {
  CheckUsable(name);
  try {
    std::vector<at::Tensor> v{bucket};
    c10d::BroadcastOptions opts;
    opts.rootRank = root;
    WaitFor(pg_->broadcast(v, opts), options_.timeoutMs);
  } catch (...) {
    Fail(name, std::current_exception());
  }
}

std::vector<std::vector<uint8_t>> Group::Allgather(const std::vector<uint8_t>& mine, const char* name) {
  CheckUsable(name);
  const int world = options_.world;
  std::vector<std::vector<uint8_t>> out(world);
  try {
    // Lengths first (a sum where each rank fills its own slot), then the bytes padded to the longest.
    at::Tensor lengths = at::zeros({world}, at::kInt);
    lengths.data_ptr<int32_t>()[options_.rank] = static_cast<int32_t>(mine.size());
    std::vector<at::Tensor> lv{lengths};
    WaitFor(pg_->allreduce(lv, c10d::AllreduceOptions()), options_.timeoutMs);
    int32_t longest = 1;
    for (int r = 0; r < world; ++r) longest = std::max(longest, lengths.data_ptr<int32_t>()[r]);
    at::Tensor in = at::zeros({longest}, at::kByte);
    if (!mine.empty()) std::memcpy(in.data_ptr(), mine.data(), mine.size());
    std::vector<std::vector<at::Tensor>> outs(1);
    for (int r = 0; r < world; ++r) outs[0].push_back(at::empty({longest}, at::kByte));
    std::vector<at::Tensor> ins{in};
    WaitFor(pg_->allgather(outs, ins), options_.timeoutMs);
    for (int r = 0; r < world; ++r) {
      const uint8_t* p = outs[0][r].data_ptr<uint8_t>();
      out[r].assign(p, p + lengths.data_ptr<int32_t>()[r]);
    }
  } catch (...) {
    Fail(name, std::current_exception());
  }
  return out;
}

void Group::Barrier(const char* name) {
  CheckUsable(name);
  try {
    WaitFor(pg_->barrier(), options_.timeoutMs);
  } catch (...) {
    Fail(name, std::current_exception());
  }
}

// ---- failure ----

void Group::Fail(const char* name, std::exception_ptr e) {
  const std::string detail = Describe(e);
  std::string aborted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    aborted = aborted_;
  }
  const std::string prefix = Prefix(name);
  if (!aborted.empty()) {
    std::string msg = prefix + ": aborted (" + aborted + ")";
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (broken_.empty()) broken_ = msg;
    }
    throw Failure(msg, "aborted", -1, {}, detail);
  }
  const bool timeout = Contains(detail, "timed out") || Contains(detail, "timeout");
  const bool closed = !timeout && (Contains(detail, "closed") || Contains(detail, "reset") || Contains(detail, "broken pipe") ||
                                   Contains(detail, "read error") || Contains(detail, "writev") || Contains(detail, "connect"));
  int peer = PeerOfEndpoint(detail);
  if (peer < 0 && options_.world == 2) peer = 1 - options_.rank;
  // The group is unusable now. Shutting its sockets makes every other survivor fail at once too (instead of
  // at its timeout), so that all of them answer the roll call below.
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (broken_.empty()) broken_ = prefix + ": " + detail;
  }
  ShutdownSockets();
  std::vector<int> lost;
  if (options_.world > 2 && (timeout || closed)) {
    // With more than one peer, the connection that failed here may be a survivor's that gave up (the
    // cascade above): the roll call says who is really gone.
    lost = RollCall();
    if (!lost.empty() && std::find(lost.begin(), lost.end(), peer) == lost.end()) peer = lost[0];
  }
  std::string what;
  const std::string t = Seconds(options_.timeoutMs);
  if (lost.size() > 1) {
    what = "lost";
    for (size_t i = 0; i < lost.size(); ++i) what += (i ? ", " : " ") + Who(lost[i]);
    what += timeout ? ": no answer within " + t + " (hung, stopped, or far slower than this rank)"
                    : ": connections closed (they stopped, or their host or network went down)";
  } else if (timeout) {
    what = (peer >= 0 ? Who(peer) + " did not answer" : std::string("a peer did not answer")) + " within " + t +
           ": it hangs, is stopped, or is far slower than this rank";
  } else if (closed) {
    what = peer >= 0 ? "connection to " + Who(peer) + " closed: it stopped, or its host or network went down"
                     : "a connection closed (" + detail + ")";
  } else {
    what = detail;
  }
  std::string msg = prefix + ": " + what;
  {
    std::lock_guard<std::mutex> lock(mu_);
    broken_ = msg;
  }
  throw Failure(msg, timeout ? "timeout" : closed ? "closed" : "failed", peer, lost, detail);
}

std::vector<int> Group::RollCall() {
  // Every survivor posts "down/<rank>" in the store; the ranks that do not within a short grace are the
  // lost ones. The store may itself be gone or hung (rank 0 hosts it): a helper thread does the talking and
  // is left behind if the grace runs out. A store that breaks after rank 0 has answered was closed by rank 0
  // tearing its group down, not lost: then the ranks not seen so far are the lost ones.
  const int64_t graceMs = std::min<int64_t>(2000, options_.timeoutMs);
  auto store = store_;
  const int rank = options_.rank, world = options_.world;
  auto result = std::make_shared<std::promise<std::vector<int>>>();
  auto future = result->get_future();
  std::thread([store, rank, world, graceMs, result] {
    std::vector<bool> seen(world, false);
    seen[rank] = true;
    auto missing = [&] {
      std::vector<int> m;
      for (int r = 0; r < world; ++r) if (!seen[r]) m.push_back(r);
      return m;
    };
    try {
      store->set("down/" + std::to_string(rank), {1});
      const auto deadline = Clock::now() + Ms(graceMs);
      for (;;) {
        for (int r = 0; r < world; ++r) {
          if (!seen[r] && store->check({"down/" + std::to_string(r)})) seen[r] = true;
        }
        if (missing().empty() || Clock::now() >= deadline) break;
        std::this_thread::sleep_for(Ms(20));
      }
      result->set_value(missing());
    } catch (...) {
      std::vector<int> m = missing();
      if (!seen[0]) m = {0};
      result->set_value(m);
    }
  }).detach();
  if (future.wait_for(Ms(graceMs + 1000)) != std::future_status::ready) return {0};
  return future.get();
}

void Group::Abort(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (aborted_.empty()) aborted_ = why;
  }
  ShutdownSockets();
}

void Group::ShutdownSockets() {
  // The Gloo connections' descriptors are private to Gloo; find them among this process's sockets by both
  // ends (a port of a connection Gloo already closed may have been reused by another socket since).
  // shutdown() makes Gloo's event loop see the connection end and fail every pending operation.
  std::vector<Connection> conns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conns = connections_;
  }
  if (conns.empty()) return;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* ent = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(ent->d_name, &end, 10);
    if (end == ent->d_name || *end != '\0') continue;
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&ss), &len) != 0) continue;
    for (const Connection& conn : conns) {
      if (!SameEndpoint(ss, conn.local)) continue;
      sockaddr_storage peer{};
      socklen_t plen = sizeof(peer);
      if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &plen) != 0) break;
      if (::gloo::transport::tcp::Address(peer).str() == conn.far) shutdown(static_cast<int>(fd), SHUT_RDWR);
      break;
    }
  }
  closedir(dir);
}

}  // namespace dist
}  // namespace dcgan
