// N-API bindings: argument validation and conversion only; the work happens in the na:: core.
// Each function is validated on the JS thread into a Call, which then runs either right there
// (warpFaces) or on the libuv thread pool behind a promise (warpFacesAsync).
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "native_align.h"
#ifdef NATIVE_ALIGN_HAS_CUDA
#include "cuda/cuda_api.h"
#endif

namespace {

using Napi::CallbackInfo;
using Napi::Env;
using Napi::Value;

// Every error names the function, so a message is useful without a stack trace.
[[noreturn]] void typeError(Env env, const char* fn, const std::string& msg) {
  throw Napi::TypeError::New(env, std::string(fn) + ": " + msg);
}
[[noreturn]] void rangeError(Env env, const char* fn, const std::string& msg) {
  throw Napi::RangeError::New(env, std::string(fn) + ": " + msg);
}

std::string describe(const Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) return "number";
  if (v.IsString()) return "string";
  if (v.IsBoolean()) return "boolean";
  if (v.IsArray()) return "Array";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_int8_array: return "Int8Array";
      case napi_uint8_array: return "Uint8Array";
      case napi_uint8_clamped_array: return "Uint8ClampedArray";
      case napi_int16_array: return "Int16Array";
      case napi_uint16_array: return "Uint16Array";
      case napi_int32_array: return "Int32Array";
      case napi_uint32_array: return "Uint32Array";
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      default: return "TypedArray";
    }
  }
  if (v.IsFunction()) return "function";
  return "object";
}

int64_t toInt(Env env, const char* fn, const char* name, const Value& v, int64_t min, int64_t max) {
  if (!v.IsNumber()) typeError(env, fn, std::string(name) + " must be a number, got " + describe(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d != std::floor(d))
    typeError(env, fn, std::string(name) + " must be an integer, got " + std::to_string(d));
  if (d < static_cast<double>(min) || d > static_cast<double>(max))
    rangeError(env, fn,
               std::string(name) + " must be in [" + std::to_string(min) + ", " + std::to_string(max) +
                   "], got " + std::to_string(static_cast<int64_t>(d)));
  return static_cast<int64_t>(d);
}

bool isTyped(const Value& v, napi_typedarray_type type) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
}

Napi::Float32Array float32Arg(Env env, const char* fn, const char* name, const Value& v) {
  if (!isTyped(v, napi_float32_array))
    typeError(env, fn, std::string(name) + " must be a Float32Array, got " + describe(v));
  return v.As<Napi::Float32Array>();
}

// src/dst of estimateSimilarity: Float32Array, Float64Array or an array of numbers.
std::vector<double> pointsArg(Env env, const char* fn, const char* name, const Value& v) {
  std::vector<double> out;
  if (isTyped(v, napi_float64_array)) {
    auto a = v.As<Napi::Float64Array>();
    out.assign(a.Data(), a.Data() + a.ElementLength());
  } else if (isTyped(v, napi_float32_array)) {
    auto a = v.As<Napi::Float32Array>();
    out.assign(a.Data(), a.Data() + a.ElementLength());
  } else if (v.IsArray()) {
    auto a = v.As<Napi::Array>();
    out.resize(a.Length());
    for (uint32_t i = 0; i < a.Length(); ++i) {
      const Value e = a.Get(i);
      if (!e.IsNumber()) typeError(env, fn, std::string(name) + "[" + std::to_string(i) + "] is not a number");
      out[i] = e.As<Napi::Number>().DoubleValue();
    }
  } else {
    typeError(env, fn, std::string(name) + " must be a Float32Array, Float64Array or number[], got " + describe(v));
  }
  return out;
}

// The options argument may be omitted or undefined; anything else must be an object.
Napi::Object optionsArg(const CallbackInfo& info, const char* fn, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return Napi::Object::New(info.Env());
  const Value v = info[index];
  if (!v.IsObject() || v.IsArray() || v.IsTypedArray() || v.IsFunction())
    typeError(info.Env(), fn, "options must be an object, got " + describe(v));
  return v.As<Napi::Object>();
}

int threadsOption(Env env, const char* fn, const Napi::Object& opts) {
  const Value v = opts.Get("threads");
  if (v.IsUndefined()) return na::defaultThreads();
  return static_cast<int>(toInt(env, fn, "options.threads", v, 1, 1024));
}

// True for device 'cuda'. Throws when CUDA is requested but cannot be used.
bool cudaOption(Env env, const char* fn, const Napi::Object& opts, bool supported) {
  const Value v = opts.Get("device");
  if (v.IsUndefined()) return false;
  const std::string d = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (d == "cpu") return false;
  if (d != "cuda" || !supported)
    typeError(env, fn, std::string("options.device must be ") + (supported ? "'cpu' or 'cuda'" : "'cpu'"));
#ifdef NATIVE_ALIGN_HAS_CUDA
  if (!na::cuda::deviceError().empty()) throw Napi::Error::New(env, std::string(fn) + ": " + na::cuda::deviceError());
  return true;
#else
  throw Napi::Error::New(env, std::string(fn) + ": native-align was built without CUDA");
#endif
}

constexpr const char* kOutOfMemory = "native-align: out of memory";

// An error while computing, where no JS value may be touched: it becomes a JS error afterwards.
struct Failure {
  bool range;  // RangeError, else Error
  std::string message;
};

#ifdef NATIVE_ALIGN_HAS_CUDA
void checkCuda(const char* fn, const std::string& err) {
  if (!err.empty()) throw Failure{false, std::string(fn) + ": CUDA error: " + err};
}
#endif

// V8 aborts the process (rather than throwing) for typed arrays longer than its limit, which is
// 2^32 elements in Node 20; stay below it.
template <class T>
Napi::TypedArrayOf<T> newArray(Env env, const char* fn, size_t length) {
  constexpr size_t kMaxLength = (size_t{1} << 32) - 1;
  if (length > kMaxLength)
    rangeError(env, fn, "result would have " + std::to_string(length) + " elements, more than a typed array can hold (" +
                            std::to_string(kMaxLength) + ")");
  return Napi::TypedArrayOf<T>::New(env, length);
}

void expectArgs(const CallbackInfo& info, const char* fn, size_t n, const char* signature) {
  if (info.Length() < n)
    typeError(info.Env(), fn, "expected " + std::string(signature) + ", got " + std::to_string(info.Length()) +
                                  " argument(s)");
}

// A validated call. `run` reads the call's typed arrays and writes into `result`'s, both through raw
// pointers taken here, and touches no JS value, so it may run on another thread; the async path
// holds references to `pinned` and `result` meanwhile so that neither is collected.
struct Call {
  std::function<void()> run;  // throws Failure or std::bad_alloc
  Value result;
  std::vector<Value> pinned;
};

std::optional<Failure> compute(const std::function<void()>& run) {
  try {
    run();
    return std::nullopt;
  } catch (const Failure& f) {
    return f;
  } catch (const std::bad_alloc&) {
    return Failure{true, kOutOfMemory};
  }
}

Napi::Error toError(Env env, const Failure& f) {
  return f.range ? Napi::RangeError::New(env, f.message) : Napi::Error::New(env, f.message);
}

// ---- estimateSimilarity(src, dst) -------------------------------------------------------------
Value EstimateSimilarity(const CallbackInfo& info) {
  constexpr const char* fn = "estimateSimilarity";
  Env env = info.Env();
  expectArgs(info, fn, 2, "(src, dst)");
  const std::vector<double> src = pointsArg(env, fn, "src", info[0]);
  const std::vector<double> dst = pointsArg(env, fn, "dst", info[1]);
  if (src.size() % 2 || src.size() < 4)
    rangeError(env, fn, "src must hold N >= 2 interleaved (x, y) points, got length " + std::to_string(src.size()));
  if (dst.size() != src.size())
    rangeError(env, fn, "dst length " + std::to_string(dst.size()) + " differs from src length " +
                            std::to_string(src.size()));
  auto out = Napi::Float64Array::New(env, 6);
  if (!na::estimateSimilarity(src.data(), dst.data(), src.size() / 2, out.Data()))
    rangeError(env, fn, "src points are all identical; no similarity is defined");
  return out;
}

// ---- warpFaces(image, width, height, channels, transforms, options) ----------------------------
void meanStdOption(Env env, const char* fn, const Napi::Object& opts, const char* key, double out[3], bool isStd) {
  const Value v = opts.Get(key);
  if (!(v.IsArray() || isTyped(v, napi_float32_array) || isTyped(v, napi_float64_array)))
    typeError(env, fn, std::string("options.") + key + " must be an array of 3 numbers, got " + describe(v));
  const auto o = v.As<Napi::Object>();
  const uint32_t len = v.IsArray() ? v.As<Napi::Array>().Length()
                                   : static_cast<uint32_t>(v.As<Napi::TypedArray>().ElementLength());
  if (len != 3) rangeError(env, fn, std::string("options.") + key + " must have 3 entries, got " + std::to_string(len));
  for (uint32_t i = 0; i < 3; ++i) {
    const Value e = o.Get(i);
    if (!e.IsNumber()) typeError(env, fn, std::string("options.") + key + "[" + std::to_string(i) + "] is not a number");
    const double d = e.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || (isStd && d == 0))
      rangeError(env, fn, std::string("options.") + key + "[" + std::to_string(i) + "] must be finite" +
                              (isStd ? " and non-zero" : ""));
    out[i] = d;
  }
}

// The (image, width, height, channels) arguments of warpFaces and resizeArea.
struct ImageArgs {
  const uint8_t* data;
  int width, height, channels;
};

ImageArgs imageArgs(const CallbackInfo& info, const char* fn) {
  Env env = info.Env();
  const Value img = info[0];
  if (!isTyped(img, napi_uint8_array) && !isTyped(img, napi_uint8_clamped_array))
    typeError(env, fn, "image must be a Uint8Array or Buffer, got " + describe(img));
  const auto image = img.As<Napi::Uint8Array>();  // also reads Uint8ClampedArray data
  const int width = static_cast<int>(toInt(env, fn, "width", info[1], 1, 1 << 20));
  const int height = static_cast<int>(toInt(env, fn, "height", info[2], 1, 1 << 20));
  const int channels = static_cast<int>(toInt(env, fn, "channels", info[3], 3, 4));
  const size_t expected = static_cast<size_t>(width) * height * channels;
  if (image.ElementLength() != expected)
    rangeError(env, fn, "image length " + std::to_string(image.ElementLength()) + " != width*height*channels = " +
                            std::to_string(expected));
  return {image.Data(), width, height, channels};
}

// options.channelOrder, mean and std (per source R, G, B) as per-output-plane source channel, mean, 1/std.
void normalisationOptions(Env env, const char* fn, const Napi::Object& opts, int srcChannel[3], double mean[3],
                          double invStd[3]) {
  const Value order = opts.Get("channelOrder");
  const std::string ord = order.IsString() ? order.As<Napi::String>().Utf8Value() : "";
  if (ord != "rgb" && ord != "bgr") typeError(env, fn, "options.channelOrder must be 'rgb' or 'bgr'");
  double sourceMean[3], sourceStd[3];
  meanStdOption(env, fn, opts, "mean", sourceMean, false);
  meanStdOption(env, fn, opts, "std", sourceStd, true);
  for (int c = 0; c < 3; ++c) {
    const int s = ord == "bgr" ? 2 - c : c;
    srcChannel[c] = s;
    mean[c] = sourceMean[s];
    invStd[c] = 1.0 / sourceStd[s];
  }
}

Call WarpFaces(const CallbackInfo& info) {
  constexpr const char* fn = "warpFaces";
  Env env = info.Env();
  expectArgs(info, fn, 6, "(image, width, height, channels, transforms, options)");
  const ImageArgs image = imageArgs(info, fn);
  if (!isTyped(info[4], napi_float64_array))
    typeError(env, fn, "transforms must be a Float64Array, got " + describe(info[4]));
  const auto transforms = info[4].As<Napi::Float64Array>();
  if (transforms.ElementLength() % 6)
    rangeError(env, fn, "transforms length " + std::to_string(transforms.ElementLength()) +
                            " is not a multiple of 6 (one 2x3 matrix per face)");
  const Napi::Object opts = optionsArg(info, fn, 5);

  na::WarpJob job{};
  job.image = image.data;
  job.width = image.width;
  job.height = image.height;
  job.channels = image.channels;
  job.count = transforms.ElementLength() / 6;
  job.size = static_cast<int>(toInt(env, fn, "options.size", opts.Get("size"), 1, 4096));
  normalisationOptions(env, fn, opts, job.srcChannel, job.mean, job.invStd);
  const int threads = threadsOption(env, fn, opts);
  const bool cuda = cudaOption(env, fn, opts, true);

  std::vector<double> inverse(job.count * 6);
  for (size_t f = 0; f < job.count; ++f)
    if (!na::invertAffine(transforms.Data() + 6 * f, inverse.data() + 6 * f))
      rangeError(env, fn, "transform " + std::to_string(f) + " is not invertible (or not finite)");

  auto out = newArray<float>(env, fn, job.count * 3 * job.size * job.size);
  float* dst = out.Data();
  auto run = [job, inverse = std::move(inverse), dst, cuda, threads] {
    na::WarpJob j = job;
    j.inverse = inverse.data();
    if (cuda) {
#ifdef NATIVE_ALIGN_HAS_CUDA
      checkCuda(fn, na::cuda::warpFaces(j, dst));
#endif
    } else {
      na::warpFaces(j, dst, threads);
    }
  };
  return {run, out, {info[0]}};
}

// ---- resizeArea(image, width, height, channels, regions, outWidth, outHeight, options) ----------
Call ResizeArea(const CallbackInfo& info) {
  constexpr const char* fn = "resizeArea";
  Env env = info.Env();
  expectArgs(info, fn, 8, "(image, width, height, channels, regions, outWidth, outHeight, options)");
  const ImageArgs image = imageArgs(info, fn);
  if (!isTyped(info[4], napi_int32_array)) typeError(env, fn, "regions must be an Int32Array, got " + describe(info[4]));
  const auto regionArray = info[4].As<Napi::Int32Array>();
  if (regionArray.ElementLength() % 4)
    rangeError(env, fn, "regions length " + std::to_string(regionArray.ElementLength()) +
                            " is not a multiple of 4 (x, y, width, height per region)");
  // A copy (4 integers a region): what was validated is what runs, even if the caller changes the array.
  std::vector<int32_t> regions(regionArray.Data(), regionArray.Data() + regionArray.ElementLength());
  na::ResizeJob job{};
  job.image = image.data;
  job.width = image.width;
  job.height = image.height;
  job.channels = image.channels;
  job.count = regions.size() / 4;
  for (size_t r = 0; r < job.count; ++r) {
    const int32_t* region = regions.data() + 4 * r;
    if (region[2] < 1 || region[3] < 1 || region[2] > (1 << 20) || region[3] > (1 << 20))
      rangeError(env, fn, "region " + std::to_string(r) + " must be 1 to 2^20 pixels wide and high");
  }
  job.outWidth = static_cast<int>(toInt(env, fn, "outWidth", info[5], 1, 1 << 16));
  job.outHeight = static_cast<int>(toInt(env, fn, "outHeight", info[6], 1, 1 << 16));
  const Napi::Object opts = optionsArg(info, fn, 7);
  normalisationOptions(env, fn, opts, job.srcChannel, job.mean, job.invStd);
  auto out = newArray<float>(env, fn, job.count * 3 * job.outWidth * job.outHeight);
  float* dst = out.Data();
  const int threads = threadsOption(env, fn, opts);
  auto run = [job, regions = std::move(regions), dst, threads] {
    na::ResizeJob j = job;
    j.regions = regions.data();
    na::resizeArea(j, dst, threads);
  };
  return {run, out, {info[0]}};
}

// ---- cosineMatrix(a, b, dim, options?) / topK(a, b, dim, k, options?) --------------------------
struct Rows {
  const float* a;
  const float* b;
  size_t na, nb;
  int dim;
};

Rows rowsArgs(const CallbackInfo& info, const char* fn) {
  Env env = info.Env();
  const auto a = float32Arg(env, fn, "a", info[0]);
  const auto b = float32Arg(env, fn, "b", info[1]);
  const int dim = static_cast<int>(toInt(env, fn, "dim", info[2], 1, 1 << 24));
  if (a.ElementLength() % dim)
    rangeError(env, fn, "a length " + std::to_string(a.ElementLength()) + " is not a multiple of dim " +
                            std::to_string(dim));
  if (b.ElementLength() % dim)
    rangeError(env, fn, "b length " + std::to_string(b.ElementLength()) + " is not a multiple of dim " +
                            std::to_string(dim));
  return {a.Data(), b.Data(), a.ElementLength() / dim, b.ElementLength() / dim, dim};
}

Call CosineMatrix(const CallbackInfo& info) {
  constexpr const char* fn = "cosineMatrix";
  Env env = info.Env();
  expectArgs(info, fn, 3, "(a, b, dim, options?)");
  const Rows r = rowsArgs(info, fn);
  const Napi::Object opts = optionsArg(info, fn, 3);
  const int threads = threadsOption(env, fn, opts);
  const bool cuda = cudaOption(env, fn, opts, true);

  auto out = newArray<float>(env, fn, r.na * r.nb);
  float* dst = out.Data();
  auto run = [r, dst, cuda, threads] {
    if (cuda) {
#ifdef NATIVE_ALIGN_HAS_CUDA
      checkCuda(fn, na::cuda::cosineMatrix(r.a, r.na, r.b, r.nb, r.dim, dst));
#endif
    } else {
      na::cosineMatrix(r.a, r.na, r.b, r.nb, r.dim, dst, threads);
    }
  };
  return {run, out, {info[0], info[1]}};
}

Call TopK(const CallbackInfo& info) {
  constexpr const char* fn = "topK";
  Env env = info.Env();
  expectArgs(info, fn, 4, "(a, b, dim, k, options?)");
  const Rows r = rowsArgs(info, fn);
  const size_t k = static_cast<size_t>(toInt(env, fn, "k", info[3], 1, INT32_MAX));
  if (r.nb > static_cast<size_t>(INT32_MAX)) rangeError(env, fn, "b has more than 2^31-1 rows");
  const Napi::Object opts = optionsArg(info, fn, 4);
  const Value ex = opts.Get("excludeSelf");
  if (!ex.IsUndefined() && !ex.IsBoolean()) typeError(env, fn, "options.excludeSelf must be a boolean");
  const bool excludeSelf = ex.IsBoolean() && ex.As<Napi::Boolean>().Value();
  const int threads = threadsOption(env, fn, opts);
  const bool cuda = cudaOption(env, fn, opts, true);
#ifdef NATIVE_ALIGN_HAS_CUDA
  if (cuda && std::min(k, r.nb) > na::cuda::kTopKMaxK)
    rangeError(env, fn, "k must be at most " + std::to_string(na::cuda::kTopKMaxK) + " with device 'cuda', got " +
                            std::to_string(k));
#endif

  auto indices = newArray<int32_t>(env, fn, r.na * k);
  auto scores = newArray<float>(env, fn, r.na * k);
  Napi::Object result = Napi::Object::New(env);
  result.Set("indices", indices);
  result.Set("scores", scores);
  int32_t* idx = indices.Data();
  float* sc = scores.Data();
  auto run = [r, k, excludeSelf, idx, sc, cuda, threads] {
    if (cuda) {
#ifdef NATIVE_ALIGN_HAS_CUDA
      checkCuda(fn, na::cuda::topK(r.a, r.na, r.b, r.nb, r.dim, k, excludeSelf, idx, sc));
#endif
    } else {
      na::topK(r.a, r.na, r.b, r.nb, r.dim, k, excludeSelf, idx, sc, threads);
    }
  };
  return {run, result, {info[0], info[1]}};
}

// ---- backend() ----------------------------------------------------------------------------------
Value Backend(const CallbackInfo& info) {
  Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
#ifdef NATIVE_ALIGN_HAS_CUDA
  o.Set("cuda", na::cuda::deviceError().empty());
#else
  o.Set("cuda", false);
#endif
  o.Set("simd", na::simdName());
  o.Set("threads", na::defaultThreads());
  return o;
}

// ---- peakGflops(options?) ----------------------------------------------------------------------
Value PeakGflops(const CallbackInfo& info) {
  constexpr const char* fn = "peakGflops";
  const Napi::Object opts = optionsArg(info, fn, 0);
  return Napi::Number::New(info.Env(), na::peakGflops(threadsOption(info.Env(), fn, opts)));
}

// Allocation failures (huge inputs) become JS errors instead of std::terminate.
template <Value (*F)(const CallbackInfo&)>
Value Guarded(const CallbackInfo& info) {
  try {
    return F(info);
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(info.Env(), kOutOfMemory);
  }
}

using Prepare = Call (*)(const CallbackInfo&);

template <Prepare P>
Value Sync(const CallbackInfo& info) {
  const Call call = P(info);
  if (const auto failure = compute(call.run)) throw toError(info.Env(), *failure);
  return call.result;
}

// Runs a call on the libuv thread pool and settles its promise back on the JS thread.
class CallWorker : public Napi::AsyncWorker {
 public:
  CallWorker(Napi::Env env, const char* name, Napi::Promise::Deferred deferred, const Call& call)
      : Napi::AsyncWorker(env, name), deferred_(deferred), run_(call.run), result_(Napi::Persistent(call.result)) {
    for (const Value& v : call.pinned) pinned_.push_back(Napi::Persistent(v));
  }
  void Execute() override { failure_ = compute(run_); }
  void OnOK() override {
    if (failure_)
      deferred_.Reject(toError(Env(), *failure_).Value());
    else
      deferred_.Resolve(result_.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<void()> run_;
  Napi::Reference<Value> result_;
  std::vector<Napi::Reference<Value>> pinned_;
  std::optional<Failure> failure_;
};

// Invalid arguments reject the promise with the error the synchronous function throws.
template <Prepare P>
Value Async(const CallbackInfo& info) {
  Env env = info.Env();
  auto deferred = Napi::Promise::Deferred::New(env);
  try {
    (new CallWorker(env, "native-align", deferred, P(info)))->Queue();
  } catch (const Napi::Error& e) {
    deferred.Reject(e.Value());
  } catch (const std::bad_alloc&) {
    deferred.Reject(Napi::RangeError::New(env, kOutOfMemory).Value());
  }
  return deferred.Promise();
}

// Registers name (synchronous) and nameAsync (a promise).
template <Prepare P>
void exportCall(Env env, Napi::Object exports, const std::string& name) {
  exports.Set(name, Napi::Function::New<Guarded<Sync<P>>>(env, name));
  exports.Set(name + "Async", Napi::Function::New<Async<P>>(env, name + "Async"));
}

Napi::Object Init(Env env, Napi::Object exports) {
  exports.Set("estimateSimilarity", Napi::Function::New<Guarded<EstimateSimilarity>>(env, "estimateSimilarity"));
  exportCall<WarpFaces>(env, exports, "warpFaces");
  exportCall<ResizeArea>(env, exports, "resizeArea");
  exportCall<CosineMatrix>(env, exports, "cosineMatrix");
  exportCall<TopK>(env, exports, "topK");
  exports.Set("backend", Napi::Function::New<Guarded<Backend>>(env, "backend"));
  exports.Set("peakGflops", Napi::Function::New<Guarded<PeakGflops>>(env, "peakGflops"));
  return exports;
}

}  // namespace

NODE_API_MODULE(native_align, Init)
