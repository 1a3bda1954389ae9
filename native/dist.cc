// Distributed training: c10d process groups over Gloo (dist_group.cc) bound to JavaScript. Collectives take
// tensor handles, run on the group's own thread in call order and settle a Promise on the JavaScript thread
// (a thread-safe function), so a collective that waits for a dead or hung peer never blocks the event loop.
// The one exception is allreduceSync, for code that cannot await (batch norm inside a layer's call): it
// blocks, for at most the group's timeout per queued collective. The TypeScript mirror is src/dist/native.ts.
#include "dist.h"

#include "binding.h"

#include <unistd.h>

#include <future>
#include <unordered_map>

#ifdef DCGAN_WITH_GLOO
#include "dist_group.h"
#endif

namespace dcgan {

#ifdef DCGAN_WITH_GLOO
namespace {

using dist::Failure;
using dist::Group;

// One live group, seen from JavaScript.
struct GroupHandle {
  int32_t id = 0;
  std::unique_ptr<Group> group;
  Napi::ThreadSafeFunction tsfn;      // settles promises on the JavaScript thread
  Napi::FunctionReference onListening;
  int pending = 0;                     // operations not yet settled (JavaScript thread only)
  bool destroying = false;
};

std::unordered_map<int32_t, std::unique_ptr<GroupHandle>>& Groups() {
  static auto* groups = new std::unordered_map<int32_t, std::unique_ptr<GroupHandle>>();
  return *groups;
}
int32_t nextId = 1;

GroupHandle& HandleArg(const Napi::CallbackInfo& info, size_t i) {
  int64_t id = IntArg(info, i);
  auto it = Groups().find(static_cast<int32_t>(id));
  if (it == Groups().end() || it->second->destroying) {
    throw std::invalid_argument("process group " + std::to_string(id) + " does not exist (destroyed?)");
  }
  return *it->second;
}

// A rejected operation: an Error with the failure's one-line message and what it knows as properties.
Napi::Value ErrorOf(Napi::Env env, std::exception_ptr e, const std::string& op) {
  Napi::Error err = Napi::Error::New(env, "");
  try {
    std::rethrow_exception(e);
  } catch (const Failure& f) {
    err = Napi::Error::New(env, f.what());
    err.Set("kind", f.kind);
    err.Set("peer", f.peer >= 0 ? Napi::Value(Napi::Number::New(env, f.peer)) : env.Undefined());
    Napi::Array lost = Napi::Array::New(env, f.lost.size());
    for (size_t i = 0; i < f.lost.size(); ++i) lost.Set(static_cast<uint32_t>(i), f.lost[i]);
    err.Set("lost", lost);
    err.Set("detail", f.detail);
  } catch (const c10::Error& x) {
    err = Napi::Error::New(env, op + ": " + x.what_without_backtrace());
    err.Set("kind", "failed");
  } catch (const std::exception& x) {
    err = Napi::Error::New(env, op + ": " + x.what());
    err.Set("kind", "failed");
  } catch (...) {
    err = Napi::Error::New(env, op + ": unknown error");
    err.Set("kind", "failed");
  }
  err.Set("op", op);
  return err.Value();
}

struct Settle {
  int32_t id;
  std::function<void(Napi::Env)> fn;
};

// Runs `fn` on the JavaScript thread (from any thread). Dropped if the environment is going away.
void Post(const Napi::ThreadSafeFunction& tsfn, int32_t id, std::function<void(Napi::Env)> fn) {
  auto* s = new Settle{id, std::move(fn)};
  napi_status st = tsfn.NonBlockingCall(s, [](Napi::Env env, Napi::Function, Settle* s) {
    std::unique_ptr<Settle> own(s);
    if (env == nullptr) return;
    Napi::HandleScope scope(env);
    own->fn(env);
  });
  if (st != napi_ok) delete s;
}

// Counts an operation in flight; the thread-safe function keeps the process alive only while one is.
void Begin(GroupHandle& h, Napi::Env env) {
  if (h.pending++ == 0) h.tsfn.Ref(env);
}

void End(int32_t id, Napi::Env env) {
  auto it = Groups().find(id);
  if (it == Groups().end()) return;
  GroupHandle& h = *it->second;
  if (--h.pending == 0) h.tsfn.Unref(env);
}

// Queues `work` (group thread, returns R) and settles the returned promise with `done(env, R)` on the
// JavaScript thread, or rejects it with the failure of `work`.
template <typename R>
Napi::Promise Enqueue(GroupHandle& h, Napi::Env env, const std::string& op, std::function<R(Group&)> work,
                      std::function<Napi::Value(Napi::Env, R&)> done) {
  auto deferred = std::make_shared<Napi::Promise::Deferred>(Napi::Promise::Deferred::New(env));
  Begin(h, env);
  Group* g = h.group.get();
  Napi::ThreadSafeFunction tsfn = h.tsfn;
  int32_t id = h.id;
  g->Submit([g, tsfn, id, op, work, done, deferred] {
    auto result = std::make_shared<R>();
    std::exception_ptr error;
    try {
      *result = work(*g);
    } catch (...) {
      error = std::current_exception();
    }
    Post(tsfn, id, [id, op, result, error, done, deferred](Napi::Env env) {
      End(id, env);
      if (error) {
        deferred->Reject(ErrorOf(env, error, op));
        return;
      }
      try {
        deferred->Resolve(done(env, *result));
      } catch (const Napi::Error& e) {
        deferred->Reject(e.Value());
      } catch (...) {
        deferred->Reject(ErrorOf(env, std::current_exception(), op));
      }
    });
  });
  return deferred->Promise();
}

dist::Reduce ReduceArg(const Napi::CallbackInfo& info, size_t i) {
  std::string op = StringArg(info, i);
  if (op == "sum") return dist::Reduce::kSum;
  if (op == "avg") return dist::Reduce::kAvg;
  if (op == "max") return dist::Reduce::kMax;
  if (op == "min") return dist::Reduce::kMin;
  throw std::invalid_argument("reduction '" + op + "' is not one of sum, avg, max, min");
}

// The tensors of a collective, checked: one dtype (float32 or int32), dense CPU. In place they must be
// contiguous (they are written back); otherwise non-contiguous ones are copied.
std::vector<at::Tensor> BucketInputs(const Napi::CallbackInfo& info, size_t i, bool inPlace, const char* op) {
  std::vector<at::Tensor> xs = TensorListArg(info, i);
  for (size_t k = 0; k < xs.size(); ++k) {
    at::Tensor& x = xs[k];
    if (x.scalar_type() != at::kFloat && x.scalar_type() != at::kInt) {
      throw std::invalid_argument(std::string(op) + ": tensor " + std::to_string(k) + " is " + DtypeName(x.scalar_type()) + "; collectives take float32 or int32");
    }
    if (x.scalar_type() != xs[0].scalar_type()) {
      throw std::invalid_argument(std::string(op) + ": tensor " + std::to_string(k) + " is " + DtypeName(x.scalar_type()) + " and tensor 0 " +
                                  DtypeName(xs[0].scalar_type()) + "; one collective takes one dtype");
    }
    if (!x.is_contiguous()) {
      if (inPlace) throw std::invalid_argument(std::string(op) + ": tensor " + std::to_string(k) + " is a non-contiguous view; it cannot be written in place");
      x = x.contiguous();
    }
  }
  return xs;
}

// Gloo has no average: avg divides while flattening, which truncates integers.
std::vector<at::Tensor> ForReduce(std::vector<at::Tensor> xs, dist::Reduce op, const char* name) {
  if (op == dist::Reduce::kAvg && !xs.empty() && xs[0].scalar_type() != at::kFloat) {
    throw std::invalid_argument(std::string(name) + ": avg of int32 tensors would truncate; use sum and divide");
  }
  return xs;
}

int64_t TotalSize(const std::vector<at::Tensor>& xs) {
  int64_t n = 0;
  for (const at::Tensor& x : xs) n += x.numel();
  return n;
}

// Results out of place: views of the bucket, shaped like the inputs (no copy).
Napi::Value Views(Napi::Env env, const at::Tensor& bucket, const std::vector<at::Tensor>& like) {
  Napi::Array out = Napi::Array::New(env, like.size());
  int64_t off = 0;
  for (size_t k = 0; k < like.size(); ++k) {
    const int64_t n = like[k].numel();
    out.Set(static_cast<uint32_t>(k), Return(env, bucket.narrow(0, off, n).view(like[k].sizes())));
    off += n;
  }
  return out;
}

// The bucket a collective runs on: the one tensor itself in place (divided where it is, for avg), else a
// fresh flat tensor.
struct Bucketed {
  std::vector<at::Tensor> xs;
  at::Tensor bucket;
  bool direct = false;
};

Bucketed MakeBucket(std::vector<at::Tensor> xs, bool inPlace) {
  Bucketed b;
  b.direct = inPlace && xs.size() == 1;
  b.bucket = b.direct ? xs[0].view({-1}) : at::empty({TotalSize(xs)}, xs.empty() ? at::kFloat : xs[0].scalar_type());
  b.xs = std::move(xs);
  return b;
}

// The work of an all-reduce on the group thread: flatten (pre-dividing for avg), reduce, write back.
void RunAllreduce(Group& g, Bucketed& b, dist::Reduce op, bool inPlace, const char* name) {
  if (b.xs.empty()) return;
  const bool avg = op == dist::Reduce::kAvg;
  if (!b.direct || avg) dist::Flatten(b.xs, b.bucket, avg ? g.world() : 1);  // direct: divides in place
  g.Allreduce(b.bucket, op, name);
  if (inPlace && !b.direct) dist::Unflatten(b.bucket, b.xs);
}

// ---- exports ----

// distInfo(): {gloo: true}
Napi::Value DistInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("gloo", true);
  return o;
}

// distCreate(options: {rank, world, host, port, path, device, deviceIsInterface, timeoutMs, rendezvousTimeoutMs?,
//                      hostname, meta},
//            onListening?: (port: number) => void): {id: number, ready: Promise<Peer[]>}
// Starts the rendezvous on the group's thread. onListening is called once the store listens (rank 0 of a
// TCP store: with the port it got; a file store: with 0), before the others are waited for.
Napi::Value DistCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw std::invalid_argument("argument 0 must be an options object");
  Napi::Object o = info[0].As<Napi::Object>();
  auto num = [&](const char* k) -> int64_t {
    Napi::Value v = o.Get(k);
    if (!v.IsNumber()) throw std::invalid_argument(std::string("options.") + k + " must be a number");
    return v.As<Napi::Number>().Int64Value();
  };
  auto str = [&](const char* k) -> std::string {
    Napi::Value v = o.Get(k);
    if (v.IsUndefined() || v.IsNull()) return "";
    if (!v.IsString()) throw std::invalid_argument(std::string("options.") + k + " must be a string");
    return v.As<Napi::String>().Utf8Value();
  };
  dist::RendezvousOptions ro;
  ro.rank = static_cast<int>(num("rank"));
  ro.world = static_cast<int>(num("world"));
  ro.storeHost = str("host");
  ro.storePort = static_cast<int>(num("port"));
  ro.storePath = str("path");
  ro.device = str("device");
  ro.deviceIsInterface = o.Get("deviceIsInterface").ToBoolean().Value();
  ro.timeoutMs = num("timeoutMs");
  if (o.Get("rendezvousTimeoutMs").IsNumber()) ro.rendezvousTimeoutMs = num("rendezvousTimeoutMs");
  ro.hostname = str("hostname");
  ro.meta = str("meta");
  if (ro.world < 1) throw std::invalid_argument("options.world must be at least 1");
  if (ro.rank < 0 || ro.rank >= ro.world) throw std::invalid_argument("options.rank must be in [0, world)");
  if (ro.storePort < 0 || ro.storePort > 65535) throw std::invalid_argument("options.port must be in [0, 65535]");
  if (ro.timeoutMs < 1) throw std::invalid_argument("options.timeoutMs must be positive");
  if (ro.device.empty()) throw std::invalid_argument("options.device must name an interface or an address");
  if (ro.storePath.empty() && ro.storeHost.empty()) throw std::invalid_argument("options.host or options.path must be given");

  auto h = std::make_unique<GroupHandle>();
  h->id = nextId++;
  h->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "dcgan-dist", 0, 1);
  h->tsfn.Unref(env);
  if (!IsMissing(info, 1)) {
    if (!info[1].IsFunction()) throw std::invalid_argument("argument 1 must be a function");
    h->onListening = Napi::Persistent(info[1].As<Napi::Function>());
  }
  h->group = std::make_unique<Group>(ro);
  GroupHandle& ref = *h;
  Groups()[h->id] = std::move(h);

  Napi::ThreadSafeFunction tsfn = ref.tsfn;
  int32_t id = ref.id;
  Napi::Promise ready = Enqueue<std::vector<dist::Peer>>(
      ref, env, "rendezvous",
      [tsfn, id](Group& g) {
        g.Rendezvous([tsfn, id](int port) {
          Post(tsfn, id, [id, port](Napi::Env env) {
            auto it = Groups().find(id);
            if (it == Groups().end() || it->second->onListening.IsEmpty()) return;
            it->second->onListening.Call({Napi::Number::New(env, port)});
          });
        });
        return g.peers();
      },
      [](Napi::Env env, std::vector<dist::Peer>& peers) -> Napi::Value {
        Napi::Array a = Napi::Array::New(env, peers.size());
        for (size_t i = 0; i < peers.size(); ++i) {
          Napi::Object p = Napi::Object::New(env);
          p.Set("rank", peers[i].rank);
          p.Set("hostname", peers[i].hostname);
          p.Set("address", peers[i].address);
          p.Set("pid", static_cast<double>(peers[i].pid));
          p.Set("meta", peers[i].meta);
          a.Set(static_cast<uint32_t>(i), p);
        }
        return a;
      });
  Napi::Object out = Napi::Object::New(env);
  out.Set("id", id);
  out.Set("ready", ready);
  return out;
}

// distAllreduce(id, xs: handle[], op: 'sum'|'avg'|'max'|'min', inPlace: boolean): Promise<handle[] | null>
// Reduces the tensors across ranks as one flat bucket (one collective). Out of place: new tensors, views of
// one bucket; in place: written into xs (which must be contiguous), resolves null. avg divides each value by
// the world size while copying it into the bucket, then sums (DDP's order of operations).
Napi::Value DistAllreduce(const Napi::CallbackInfo& info) {
  GroupHandle& h = HandleArg(info, 0);
  bool inPlace = BoolArg(info, 3);
  dist::Reduce op = ReduceArg(info, 2);
  auto b = std::make_shared<Bucketed>(MakeBucket(ForReduce(BucketInputs(info, 1, inPlace, "allreduce"), op, "allreduce"), inPlace));
  return Enqueue<int>(
      h, info.Env(), "allreduce",
      [b, op, inPlace](Group& g) {
        RunAllreduce(g, *b, op, inPlace, "allreduce");
        return 0;
      },
      [b, inPlace](Napi::Env env, int&) -> Napi::Value {
        Napi::Value r = inPlace ? env.Null() : Views(env, b->bucket, b->xs);
        b->xs.clear();
        b->bucket = at::Tensor();
        return r;
      });
}

// distAllreduceSync(id, xs: handle[], op, inPlace: boolean): handle[] | null
// The same, blocking the calling (JavaScript) thread until done: after the collectives queued before it,
// each bounded by the group's timeout. For code that cannot await, such as synchronized batch norm inside a
// layer's forward and backward pass; keep its tensors small.
Napi::Value DistAllreduceSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GroupHandle& h = HandleArg(info, 0);
  bool inPlace = BoolArg(info, 3);
  dist::Reduce op = ReduceArg(info, 2);
  Bucketed b = MakeBucket(ForReduce(BucketInputs(info, 1, inPlace, "allreduceSync"), op, "allreduceSync"), inPlace);
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  Group* g = h.group.get();
  auto work = [g, &b, op, inPlace, done] {
    try {
      RunAllreduce(*g, b, op, inPlace, "allreduceSync");
      done->set_value();
    } catch (...) {
      done->set_exception(std::current_exception());
    }
  };
  // Here when the group is idle (the usual case: the trainer awaits each collective), else after the queue.
  if (!g->RunNowIfIdle(work)) g->Submit(work);
  try {
    future.get();
  } catch (...) {
    throw Napi::Error(env, ErrorOf(env, std::current_exception(), "allreduceSync"));
  }
  return inPlace ? env.Null() : Views(env, b.bucket, b.xs);
}

// distBroadcast(id, xs: handle[], root: number, inPlace: boolean): Promise<handle[] | null>
// Every rank gets the root's values of xs (same shapes on every rank), as one flat bucket.
Napi::Value DistBroadcast(const Napi::CallbackInfo& info) {
  GroupHandle& h = HandleArg(info, 0);
  int root = static_cast<int>(IntArg(info, 2));
  bool inPlace = BoolArg(info, 3);
  if (root < 0 || root >= h.group->world()) throw std::invalid_argument("broadcast: root " + std::to_string(root) + " is not a rank of the group");
  auto b = std::make_shared<Bucketed>(MakeBucket(BucketInputs(info, 1, inPlace, "broadcast"), inPlace));
  return Enqueue<int>(
      h, info.Env(), "broadcast",
      [b, root, inPlace](Group& g) {
        if (b->xs.empty()) return 0;
        // Only the root's bucket content matters; the others' is overwritten.
        if (!b->direct && g.rank() == root) dist::Flatten(b->xs, b->bucket, 1);
        g.Broadcast(b->bucket, root, "broadcast");
        if (inPlace && !b->direct) dist::Unflatten(b->bucket, b->xs);
        return 0;
      },
      [b, inPlace](Napi::Env env, int&) -> Napi::Value {
        Napi::Value r = inPlace ? env.Null() : Views(env, b->bucket, b->xs);
        b->xs.clear();
        b->bucket = at::Tensor();
        return r;
      });
}

// distAllgather(id, bytes: Uint8Array): Promise<Uint8Array[]>, every rank's bytes in rank order (small
// values: host names, speeds, shapes to compare).
Napi::Value DistAllgather(const Napi::CallbackInfo& info) {
  GroupHandle& h = HandleArg(info, 0);
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw std::invalid_argument("argument 1 must be a Uint8Array");
  }
  Napi::Uint8Array a = info[1].As<Napi::Uint8Array>();
  std::vector<uint8_t> mine(a.Data(), a.Data() + a.ElementLength());
  return Enqueue<std::vector<std::vector<uint8_t>>>(
      h, info.Env(), "allgather", [mine](Group& g) { return g.Allgather(mine, "allgather"); },
      [](Napi::Env env, std::vector<std::vector<uint8_t>>& all) -> Napi::Value {
        Napi::Array out = Napi::Array::New(env, all.size());
        for (size_t r = 0; r < all.size(); ++r) {
          Napi::Uint8Array b = Napi::Uint8Array::New(env, all[r].size());
          if (!all[r].empty()) std::memcpy(b.Data(), all[r].data(), all[r].size());
          out.Set(static_cast<uint32_t>(r), b);
        }
        return out;
      });
}

// distBarrier(id): Promise<void>, settled when every rank has reached it.
Napi::Value DistBarrier(const Napi::CallbackInfo& info) {
  GroupHandle& h = HandleArg(info, 0);
  return Enqueue<int>(
      h, info.Env(), "barrier",
      [](Group& g) {
        g.Barrier("barrier");
        return 0;
      },
      [](Napi::Env env, int&) -> Napi::Value { return env.Undefined(); });
}

// distAbort(id, why: string): void. The pending and every later collective of the group fail at once
// ("aborted (why)"); the peers see the connections close. Use before distDestroy not to wait for a hung peer.
Napi::Value DistAbort(const Napi::CallbackInfo& info) {
  GroupHandle& h = HandleArg(info, 0);
  h.group->Abort(IsMissing(info, 1) ? "aborted by this process" : StringArg(info, 1));
  return info.Env().Undefined();
}

// distDestroy(id): Promise<void>. After the queued operations settle, tears the process group and the store
// down (on the group's thread) and forgets the group.
Napi::Value DistDestroy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GroupHandle& h = HandleArg(info, 0);
  h.destroying = true;
  auto deferred = std::make_shared<Napi::Promise::Deferred>(Napi::Promise::Deferred::New(env));
  Begin(h, env);
  int32_t id = h.id;
  Napi::ThreadSafeFunction tsfn = h.tsfn;
  h.group->Stop([tsfn, id, deferred] {
    Post(tsfn, id, [id, deferred](Napi::Env env) {
      auto it = Groups().find(id);
      if (it != Groups().end()) {
        std::unique_ptr<GroupHandle> own = std::move(it->second);
        Groups().erase(it);
        own->group.reset();  // joins the thread, which has finished
        own->tsfn.Release();
      }
      deferred->Resolve(env.Undefined());
    });
  });
  return deferred->Promise();
}

// distGroups(): number of groups not yet destroyed.
Napi::Value DistGroups(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(Groups().size())); }

// At exit (the environment's teardown) a group may still be waiting on a peer: abort it, give its thread a
// moment to finish, and leave behind any thread that does not (the process is ending).
void Teardown(void*) {
  for (auto& [id, h] : Groups()) {
    h->group->Abort("the process is exiting");
    h->group->Stop();
  }
  for (auto& [id, h] : Groups()) {
    if (!h->group->WaitStopped(2000)) (void)h->group.release();
  }
  Groups().clear();
}

}  // namespace

void InitDist(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "distInfo", DistInfo);
  Export(env, exports, "distCreate", DistCreate);
  Export(env, exports, "distAllreduce", DistAllreduce);
  Export(env, exports, "distAllreduceSync", DistAllreduceSync);
  Export(env, exports, "distBroadcast", DistBroadcast);
  Export(env, exports, "distAllgather", DistAllgather);
  Export(env, exports, "distBarrier", DistBarrier);
  Export(env, exports, "distAbort", DistAbort);
  Export(env, exports, "distDestroy", DistDestroy);
  Export(env, exports, "distGroups", DistGroups);
  napi_add_env_cleanup_hook(env, Teardown, nullptr);
}

#else  // built without Gloo's headers

namespace {
Napi::Value DistInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("gloo", false);
  o.Set("reason", "the native engine was built without Gloo (apt-get install libgloo-dev, then npm run build:native)");
  return o;
}
}  // namespace

void InitDist(Napi::Env env, Napi::Object exports) { Export(env, exports, "distInfo", DistInfo); }

#endif

}  // namespace dcgan
