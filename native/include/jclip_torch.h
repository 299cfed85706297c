/*
 * jclip's C contract with libtorch: every C function and exported symbol that the Java bindings
 * (dev.jclip.torch) call, one declaration per line. This file is the single source of truth:
 *   - bindings/src/generated/java/dev/jclip/torch/NativeApi.java is generated from it
 *     (OpGenerator; ContractTest fails when the generated file is stale), and
 *   - ContractTest resolves every declaration in the loaded libraries and checks that the Java
 *     FunctionDescriptor equals the declared signature.
 * Sources: torch/csrc/inductor/aoti_torch/c/shim.h (aoti_torch_*), torch/csrc/stable/c/shim.h
 * (torch_*), torch/csrc/inductor/aoti_torch/generated/c_shim_aten.h (aoti_torch_aten_*), and
 * C++ members/functions exported by libc10/libtorch_cpu called through their mangled names
 * (documented in native/README.md). The parser accepts only the types typedef'd here.
 * JCLIP_OPTIONAL marks symbols that only some builds have (CUDA builds); they are looked up when
 * first called and the contract test accepts their absence on other builds.
 * JCLIP_CRITICAL marks short calls that never call back into Java and never block: they are
 * linked with Linker.Option.critical(false) (cheaper transition).
 */
#ifndef JCLIP_TORCH_H
#define JCLIP_TORCH_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define JCLIP_CRITICAL
#define JCLIP_OPTIONAL
typedef int32_t AOTITorchError;
typedef struct AtenTensorOpaque* AtenTensorHandle;
typedef uint64_t StableIValue;
typedef struct StableListOpaque* StableListHandle;
typedef struct StringOpaque* StringHandle;
/* CUDA (libtorch_cuda's shim, and the CUDA runtime it links) */
typedef struct CUDAGuardOpaque* CUDAGuardHandle;
typedef struct CUstream_st* cudaStream_t;
typedef int cudaError_t;
/* NCCL (nccl.h): enums are ints, the communicator is a pointer, the unique id a 128-byte struct passed by value */
typedef int ncclResult_t;
typedef int ncclDataType_t;
typedef int ncclRedOp_t;
typedef struct ncclComm* ncclComm_t;
typedef struct { char internal[128]; } ncclUniqueId;

#ifdef __cplusplus
extern "C" {
#endif

/* constants */
JCLIP_CRITICAL int32_t aoti_torch_device_type_cpu(void);
JCLIP_CRITICAL int32_t aoti_torch_device_type_cuda(void);
JCLIP_CRITICAL int32_t aoti_torch_dtype_float32(void);
JCLIP_CRITICAL int32_t aoti_torch_dtype_bfloat16(void);
JCLIP_CRITICAL int32_t aoti_torch_layout_strided(void);
JCLIP_CRITICAL int32_t aoti_torch_memory_format_contiguous_format(void);
JCLIP_CRITICAL uint64_t aoti_torch_abi_version(void);

/* tensor handles and metadata */
JCLIP_CRITICAL AOTITorchError aoti_torch_delete_tensor_object(AtenTensorHandle tensor);
JCLIP_CRITICAL AOTITorchError aoti_torch_new_tensor_handle(AtenTensorHandle orig_handle, AtenTensorHandle* new_handle);
JCLIP_CRITICAL AOTITorchError aoti_torch_get_dim(AtenTensorHandle tensor, int64_t* ret_dim);
JCLIP_CRITICAL AOTITorchError aoti_torch_get_numel(AtenTensorHandle tensor, int64_t* ret_numel);
JCLIP_CRITICAL AOTITorchError aoti_torch_get_sizes(AtenTensorHandle tensor, int64_t** ret_sizes);
JCLIP_CRITICAL AOTITorchError aoti_torch_get_strides(AtenTensorHandle tensor, int64_t** ret_strides);
JCLIP_CRITICAL AOTITorchError aoti_torch_get_dtype(AtenTensorHandle tensor, int32_t* ret_dtype);
JCLIP_CRITICAL AOTITorchError aoti_torch_get_device_type(AtenTensorHandle tensor, int32_t* ret_device_type);
JCLIP_CRITICAL AOTITorchError aoti_torch_get_device_index(AtenTensorHandle tensor, int32_t* ret_device_index);
JCLIP_CRITICAL AOTITorchError aoti_torch_get_storage_offset(AtenTensorHandle tensor, int64_t* ret_storage_offset);
JCLIP_CRITICAL AOTITorchError aoti_torch_is_contiguous(AtenTensorHandle tensor, bool* ret_is_contiguous);
JCLIP_CRITICAL AOTITorchError aoti_torch_is_defined(AtenTensorHandle tensor, bool* ret_is_defined);
JCLIP_CRITICAL AOTITorchError aoti_torch_get_data_ptr(AtenTensorHandle tensor, void** ret_data_ptr);

/* creation */
AOTITorchError aoti_torch_empty_strided(int64_t ndim, const int64_t* sizes_ptr, const int64_t* strides_ptr, int32_t dtype, int32_t device_type, int32_t device_index, AtenTensorHandle* ret_new_tensor);
AOTITorchError aoti_torch_create_tensor_from_blob(void* data, int64_t ndim, const int64_t* sizes_ptr, const int64_t* strides_ptr, int64_t storage_offset, int32_t dtype, int32_t device_type, int32_t device_index, AtenTensorHandle* ret);
AOTITorchError aoti_torch_scalar_to_tensor_float64(double value, AtenTensorHandle* ret_new_tensor);
AOTITorchError aoti_torch_scalar_to_tensor_float32(float value, AtenTensorHandle* ret_new_tensor);
AOTITorchError aoti_torch_scalar_to_tensor_int64(int64_t value, AtenTensorHandle* ret_new_tensor);
AOTITorchError aoti_torch_scalar_to_tensor_bool(bool value, AtenTensorHandle* ret_new_tensor);
AOTITorchError aoti_torch_copy_(AtenTensorHandle self, AtenTensorHandle src, int32_t non_blocking);
AOTITorchError aoti_torch_clone(AtenTensorHandle self, AtenTensorHandle* ret);
/* new at::Tensor() (undefined); *dst = *src with proper reference counting */
AOTITorchError aoti_torch_new_uninitialized_tensor(AtenTensorHandle* ret);
AOTITorchError aoti_torch_assign_tensors(AtenTensorHandle src, AtenTensorHandle dst);

/* items */
AOTITorchError aoti_torch_item_float64(AtenTensorHandle tensor, double* ret_value);
AOTITorchError aoti_torch_item_int64(AtenTensorHandle tensor, int64_t* ret_value);
AOTITorchError aoti_torch_item_bool(AtenTensorHandle tensor, bool* ret_value);

/* ops whose schema has a Scalar: the aten shims take it as a double (torch/csrc/stable/ops.h) */
AOTITorchError aoti_torch_aten_subtract_Tensor(AtenTensorHandle self, AtenTensorHandle other, double alpha, AtenTensorHandle* ret0);
AOTITorchError aoti_torch_aten_fill__Scalar(AtenTensorHandle self, double value);

/* grad mode (thread-local) */
JCLIP_CRITICAL bool aoti_torch_grad_mode_is_enabled(void);
JCLIP_CRITICAL void aoti_torch_grad_mode_set_enabled(bool enabled);

/* the dispatcher and its stack values (torch/csrc/stable/c/shim.h, 2.10) */
AOTITorchError torch_call_dispatcher(const char* opName, const char* overloadName, StableIValue* stack, uint64_t extension_build_version);
JCLIP_CRITICAL AOTITorchError torch_new_list_reserve_size(size_t size, StableListHandle* ret);
JCLIP_CRITICAL AOTITorchError torch_list_size(StableListHandle list_handle, size_t* size);
JCLIP_CRITICAL AOTITorchError torch_list_get_item(StableListHandle list_handle, size_t index, StableIValue* element);
JCLIP_CRITICAL AOTITorchError torch_list_push_back(StableListHandle list_handle, StableIValue element);
JCLIP_CRITICAL AOTITorchError torch_delete_list(StableListHandle list_handle);
JCLIP_CRITICAL AOTITorchError torch_new_string_handle(const char* data, size_t length, StringHandle* handle);
JCLIP_CRITICAL AOTITorchError torch_delete_string(StringHandle handle);
AOTITorchError torch_set_requires_grad(AtenTensorHandle tensor, bool requires_grad);
JCLIP_CRITICAL AOTITorchError torch_get_num_threads(uint32_t* out_num_threads);

/* thread pools (libtorch_cpu, ATen/Parallel.h): intra-op (OpenMP) and inter-op */
void _ZN2at15set_num_threadsEi(int32_t nthreads);
int32_t _ZN2at23get_num_interop_threadsEv(void);

/* C++ operator new: optional<T> stack values point at an 8-byte slot the callee deletes */
JCLIP_CRITICAL void* _Znwm(size_t size);
/* C++ operator delete(void*, size_t): frees a slot that was not handed over */
JCLIP_CRITICAL void _ZdlPvm(void* p, size_t size);

/* c10::TensorImpl members (libc10): `this` = the TensorImpl* in the first word of an at::Tensor */
JCLIP_CRITICAL const void* _ZNK3c1010TensorImpl4gradEv(const void* self);
JCLIP_CRITICAL void* _ZN3c1010TensorImpl12mutable_gradEv(void* self);
JCLIP_CRITICAL bool _ZNK3c1010TensorImpl13requires_gradEv(const void* self);

/* autocast (libtorch_cpu, at::autocast, thread-local); DeviceType is int8, ScalarType is int8 */
JCLIP_CRITICAL bool _ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE(int8_t device_type);
JCLIP_CRITICAL void _ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb(int8_t device_type, bool enabled);
JCLIP_CRITICAL int8_t _ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE(int8_t device_type);
JCLIP_CRITICAL void _ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE(int8_t device_type, int8_t dtype);
JCLIP_CRITICAL int32_t _ZN2at8autocast17increment_nestingEv(void);
JCLIP_CRITICAL int32_t _ZN2at8autocast17decrement_nestingEv(void);
JCLIP_CRITICAL void _ZN2at8autocast11clear_cacheEv(void);

/* random seed: at::manual_seed is inline in the headers, so do what it does. The default CPU
   generator (at::detail::getDefaultCPUGenerator() returns a const at::Generator&, whose first word
   is the CPUGeneratorImpl*), CPUGeneratorImpl::set_current_seed(uint64_t), and
   torch::cuda::manual_seed_all(uint64_t) (a no-op without CUDA). */
JCLIP_CRITICAL const void* _ZN2at6detail22getDefaultCPUGeneratorEv(void);
JCLIP_CRITICAL void _ZN2at16CPUGeneratorImpl16set_current_seedEm(void* self, uint64_t seed);
void _ZN5torch4cuda15manual_seed_allEm(uint64_t seed);

/* oneDNN switch (libtorch_cpu, at::Context): at::globalContext() returns the process-wide Context&;
   userEnabledMkldnn() is what every CPU operator consults when it picks a oneDNN kernel or ATen's own.
   hasMKLDNN() says whether this build has oneDNN at all (dev.jclip.torch.OneDnn picks inference kernels by them).
   jclip clears it around backward passes on CPUs where oneDNN's float32 gradients are wrong
   (dev.jclip.torch.OneDnnGuard). */
JCLIP_CRITICAL void* _ZN2at13globalContextEv(void);
JCLIP_CRITICAL bool _ZNK2at7Context17userEnabledMkldnnEv(const void* self);
JCLIP_CRITICAL void _ZN2at7Context20setUserEnabledMkldnnEb(void* self, bool enabled);
JCLIP_CRITICAL bool _ZN2at7Context9hasMKLDNNEv(void);

/* CUDA builds only (libc10_cuda): c10::cuda::device_count() is noexcept, returns DeviceIndex (int8) */
JCLIP_OPTIONAL int8_t _ZN3c104cuda12device_countEv(void);

/* CUDA through FFM alone (all optional: present with libtorch_cuda, absent on CPU builds).
   libtorch_cuda's shim (torch/csrc/inductor/aoti_torch/shim_cuda.cpp): a CUDAGuard sets the current
   device while it lives; the current stream of a device. */
JCLIP_OPTIONAL AOTITorchError aoti_torch_create_cuda_guard(int32_t device_index, CUDAGuardHandle* ret_guard);
JCLIP_OPTIONAL AOTITorchError aoti_torch_delete_cuda_guard(CUDAGuardHandle guard);
JCLIP_OPTIONAL AOTITorchError aoti_torch_cuda_guard_set_index(CUDAGuardHandle guard, int32_t device_index);
JCLIP_OPTIONAL AOTITorchError aoti_torch_get_current_cuda_stream(int32_t device_index, void** ret_stream);
/* the CUDA runtime (libcudart, a dependency of libtorch_cuda): stream sync, memory info, current device */
JCLIP_OPTIONAL cudaError_t cudaStreamSynchronize(cudaStream_t stream);
JCLIP_OPTIONAL cudaError_t cudaDeviceSynchronize(void);
JCLIP_OPTIONAL cudaError_t cudaMemGetInfo(size_t* free, size_t* total);
JCLIP_OPTIONAL cudaError_t cudaSetDevice(int device);
JCLIP_OPTIONAL cudaError_t cudaGetDevice(int* device);
JCLIP_OPTIONAL cudaError_t cudaGetDeviceCount(int* count);
JCLIP_OPTIONAL const char* cudaGetErrorString(cudaError_t error);

/* TF32 switches on at::globalContext() (declared above; libtorch_cpu): PyTorch lets
   cuDNN convolutions use TF32 by default, which is ~1e-3 relative off float32; the GPU check turns it
   off for float32 parity and sets the same switches in Python for the side-by-side timings. */
JCLIP_OPTIONAL void _ZN2at7Context17setAllowTF32CuDNNEb(void* self, bool allow);
JCLIP_OPTIONAL void _ZN2at7Context18setAllowTF32CuBLASEb(void* self, bool allow);

/* NCCL's C API (libnccl.so.2, a dependency of a pip PyTorch's libtorch_cuda; nccl.h) */
JCLIP_OPTIONAL ncclResult_t ncclGetVersion(int* version);
JCLIP_OPTIONAL ncclResult_t ncclGetUniqueId(ncclUniqueId* uniqueId);
JCLIP_OPTIONAL ncclResult_t ncclCommInitRank(ncclComm_t* comm, int nranks, ncclUniqueId commId, int rank);
JCLIP_OPTIONAL ncclResult_t ncclAllReduce(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype, ncclRedOp_t op, ncclComm_t comm, cudaStream_t stream);
JCLIP_OPTIONAL ncclResult_t ncclBroadcast(const void* sendbuff, void* recvbuff, size_t count, ncclDataType_t datatype, int root, ncclComm_t comm, cudaStream_t stream);
JCLIP_OPTIONAL ncclResult_t ncclAllGather(const void* sendbuff, void* recvbuff, size_t sendcount, ncclDataType_t datatype, ncclComm_t comm, cudaStream_t stream);
JCLIP_OPTIONAL ncclResult_t ncclGroupStart(void);
JCLIP_OPTIONAL ncclResult_t ncclGroupEnd(void);
JCLIP_OPTIONAL ncclResult_t ncclCommGetAsyncError(ncclComm_t comm, ncclResult_t* asyncError);
JCLIP_OPTIONAL ncclResult_t ncclCommAbort(ncclComm_t comm);
JCLIP_OPTIONAL ncclResult_t ncclCommDestroy(ncclComm_t comm);
JCLIP_OPTIONAL const char* ncclGetErrorString(ncclResult_t result);

/* libc (fd juggling to capture libtorch 2.10's error text, which it only prints to stderr) */
int dup(int fd);
int dup2(int oldfd, int newfd);
int close(int fd);
int open(const char* path, int flags, int mode);
/* libtorch's own log (c10 LOG(WARNING/ERROR) to stderr: a caught failure's text, NNPACK's "Unsupported
   hardware"): setenv TORCH_CPP_LOG_LEVEL, then c10::initLogging() (libc10) reads it into c10's level */
int setenv(const char* name, const char* value, int overwrite);
void _ZN3c1011initLoggingEv(void);

#ifdef __cplusplus
}
#endif
#endif
