// One rank's membership of a c10d process group over Gloo: rendezvous, collectives on flat buckets, and the
// facts that name a peer in an error. Plain C++ (no Node-API): dist.cc binds it to JavaScript.
//
// Every operation runs on the group's own thread, one at a time, in the order it was submitted, so that all
// ranks issue the same collectives in the same order (c10d matches them by a per-group counter) and no
// JavaScript thread ever waits for the network. Gloo bounds every collective by the group's timeout.
#pragma once
#include <ATen/ATen.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace c10d {
class Store;
class ProcessGroupGloo;
}  // namespace c10d

namespace dcgan {
namespace dist {

struct RendezvousOptions {
  int rank = 0;
  int world = 1;
  // TCPStore at storeHost:storePort, hosted by rank 0 (port 0 on rank 0: the OS picks one) ...
  std::string storeHost = "127.0.0.1";
  int storePort = 0;
  // ... or, when not empty, a FileStore at this path on a folder every rank shares (fresh per job).
  std::string storePath;
  // What Gloo binds: an interface name ("eth0") or an address ("10.0.0.1", "127.0.0.1").
  std::string device = "127.0.0.1";
  bool deviceIsInterface = false;
  // Bound of every collective, and of the rendezvous unless rendezvousTimeoutMs is set (> 0): other
  // machines may take longer to start than a step may take.
  int64_t timeoutMs = 180000;
  int64_t rendezvousTimeoutMs = 0;
  // This host's name and opaque bytes of the caller's (JSON), both shown to every rank in the peers table.
  std::string hostname;
  std::string meta;
};

// What every rank learns about every other at the rendezvous.
struct Peer {
  int rank = 0;
  std::string hostname;
  std::string address;  // the address its Gloo device is bound to
  int64_t pid = 0;
  std::string meta;
};

// A failed group operation. what() is one line for the user: "<op> (rank R of W): <what happened>".
struct Failure : std::runtime_error {
  // 'rendezvous' | 'closed' | 'timeout' | 'aborted' | 'broken' | 'invalid' | 'failed'
  std::string kind;
  int peer = -1;            // the rank the failure is about, when known
  std::vector<int> lost;    // ranks that did not answer the roll call after the failure (groups of 3 and more)
  std::string detail;       // Gloo's or c10d's own words
  Failure(const std::string& message, std::string kind_, int peer_ = -1, std::vector<int> lost_ = {}, std::string detail_ = "")
      : std::runtime_error(message), kind(std::move(kind_)), peer(peer_), lost(std::move(lost_)), detail(std::move(detail_)) {}
};

enum class Reduce { kSum, kAvg, kMax, kMin };

class Group {
 public:
  explicit Group(RendezvousOptions options);
  // Stops the thread after the queued work (see Stop) and waits for it; call Abort first not to wait
  // for a collective that hangs.
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  // Queues work for the group's thread. Any thread.
  void Submit(std::function<void()> work);
  // Runs `work` on the calling thread, in order with the queued work, if nothing is queued or running;
  // returns false (and runs nothing) otherwise. Saves two thread handoffs for a blocking collective.
  // `work` must not throw.
  bool RunNowIfIdle(const std::function<void()>& work);
  // The thread ends after the work queued so far; it tears the process group and the store down on its
  // way out, then calls `after` (if given) as its last act. Any thread.
  void Stop(std::function<void()> after = nullptr);
  // Waits up to `ms` for the thread to end; true if it did. Any thread.
  bool WaitStopped(int64_t ms);
  // Makes the pending and every later collective fail at once: shuts the group's sockets (the peers see
  // the connection close and fail too). Any thread; safe to repeat.
  void Abort(const std::string& why);

  // ---- on the group's thread (inside submitted work) ----

  // Connects to the store, exchanges the peers table, creates the Gloo process group and learns which
  // connection leads to which peer. onListening(port) is called once the store listens (rank 0 of a TCP
  // store), before waiting for the others. Throws Failure.
  void Rendezvous(const std::function<void(int port)>& onListening);
  // All-reduces the flat, contiguous, dense CPU tensor in place. kAvg must have been pre-divided by the
  // world size (see Flatten) and is summed here: Gloo has no average.
  void Allreduce(at::Tensor bucket, Reduce op, const char* name);
  void Broadcast(at::Tensor bucket, int root, const char* name);
  // Each rank's bytes, in rank order.
  std::vector<std::vector<uint8_t>> Allgather(const std::vector<uint8_t>& mine, const char* name);
  void Barrier(const char* name);

  // ---- any thread, after Rendezvous ----
  int rank() const { return options_.rank; }
  int world() const { return options_.world; }
  int64_t timeoutMs() const { return options_.timeoutMs; }
  std::vector<Peer> peers() const;
  bool ready() const { return ready_; }
  // Non-empty once an operation failed: the group cannot be used again.
  std::string broken() const;

 private:
  void Loop();
  void CheckUsable(const char* name);
  // Turns any exception of a collective into a Failure naming the op, this rank and the peer; marks the
  // group broken and aborts it. Never returns.
  [[noreturn]] void Fail(const char* name, std::exception_ptr e);
  [[noreturn]] void FailRendezvous(const std::string& what, const std::string& detail, int peer = -1);
  std::string Who(int rank) const;   // "rank 1 (host-b, 10.0.0.2)"
  std::string Prefix(const char* name) const;
  int PeerOfEndpoint(const std::string& text) const;
  std::vector<int> RollCall();
  void ShutdownSockets();

  RendezvousOptions options_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg_;
  std::vector<Peer> peers_;
  // "[ip]:port" as Gloo prints a connection's far end -> the rank at that end.
  std::map<std::string, int> endpointRank_;
  // This rank's connections to its peers, by their two ends (what Abort shuts down): the local end, and
  // the far end as Gloo prints it (the peer's published local end).
  struct Connection {
    sockaddr_storage local;
    std::string far;
  };
  std::vector<Connection> connections_;
  std::atomic<bool> ready_{false};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  bool busy_ = false;  // work is running (on the group's thread, or a caller's through RunNowIfIdle)
  std::function<void()> after_;
  bool stopped_ = false;
  std::string broken_;
  std::string aborted_;
  std::thread thread_;
};

// Copies xs (contiguous, one dtype: float32 or int32) into `bucket` back to back, each element divided by
// `divisor` on the way (1: a plain copy), as DDP pre-divides gradients by the world size. The bucket may be
// xs[0] itself (divided in place).
void Flatten(const std::vector<at::Tensor>& xs, at::Tensor& bucket, double divisor);
// Copies the bucket's consecutive slices back into xs (contiguous), the inverse of Flatten.
void Unflatten(const at::Tensor& bucket, const std::vector<at::Tensor>& xs);

}  // namespace dist
}  // namespace dcgan
