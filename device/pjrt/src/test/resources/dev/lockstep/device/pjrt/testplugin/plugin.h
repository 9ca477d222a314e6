/* Internal types of the Lockstep test plugin: a PJRT plugin that runs StableHLO on the CPU through
 * TensorFlow's XlaCallModule (see README.md beside this file for what it does and does not cover). */
#ifndef LOCKSTEP_TEST_PLUGIN_H
#define LOCKSTEP_TEST_PLUGIN_H

#include <pthread.h>
#include <stdatomic.h>

#include "pjrt_abi.h"
#include "tf_c.h"

/* Compile-time knobs the tests use to build broken plugins. */
#ifndef TEST_API_MAJOR
#define TEST_API_MAJOR 0
#endif
#ifndef TEST_API_MINOR
#define TEST_API_MINOR 94
#endif
#ifndef TEST_API_SLOTS
#define TEST_API_SLOTS SLOT_COUNT
#endif
#ifndef TEST_STRUCT_SLACK /* > 0: expects argument structs that many bytes larger, like a newer plugin */
#define TEST_STRUCT_SLACK 0
#endif

#define MAX_DEVICES 64

struct PJRT_Error { int code; char* message; };

typedef struct Callback { OnReadyCallback fn; void* arg; struct Callback* next; } Callback;
struct PJRT_Event {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_int refs;
    int ready;
    int code;
    char* message;
    Callback* callbacks;
};

/* Device memory: 64-byte aligned (TensorFlow wraps it without copying), or an adopted TF output tensor. */
typedef struct { atomic_int refs; void* data; size_t bytes; TF_Tensor* tensor; } Storage;

struct PJRT_DeviceDescription { PJRT_Device* device; };
struct PJRT_Device {
    PJRT_Client* client;
    int id;
    PJRT_DeviceDescription description;
    char to_string[64];
    char debug_string[128];
};

struct PJRT_Client {
    pthread_mutex_t mu;
    int num_devices;
    PJRT_Device* devices[MAX_DEVICES];
    PJRT_Device device_storage[MAX_DEVICES];
    int64_t transfer_delay_ms;
    int64_t fail_to_host_after;   /* the n-th transfer to the host fails (-1: none) */
    int64_t fail_from_host_after; /* the n-th transfer from the host fails (-1: none) */
    int64_t to_host_count;
    int64_t from_host_count;
    int64_t live_buffers;
    int64_t live_executables;
};

struct PJRT_Buffer {
    PJRT_Client* client;
    PJRT_Device* device;
    int type;
    int rank;
    int64_t dims[16];
    size_t bytes;
    Storage* storage;   /* null once deleted or donated */
    PJRT_Event* ready;  /* completes when the contents are there (or the transfer failed) */
};

typedef struct { int type; int rank; int64_t dims[16]; } TensorSig;

struct PJRT_LoadedExecutable {
    PJRT_Client* client;
    PJRT_Device* device;
    int num_inputs, num_outputs;
    TensorSig* inputs;
    TensorSig* outputs;
    int* alias; /* per input: the output it may be donated to (tf.aliasing_output), or -1 */
    TF_Graph* graph;
    TF_Session* session;
    TF_Output* feeds;
    TF_Output* fetches;
    TF_Operation* call;
    char name[32];
};
struct PJRT_Executable { PJRT_LoadedExecutable* loaded; };

/* Process-wide counters, read by the Java tests through lockstep_test_pjrt_stats. */
typedef struct {
    atomic_llong live_buffers, live_bytes, buffers_created, executions, donations, live_events,
        live_clients, live_executables, buffers_alive_at_client_destroy;
} Stats;
extern Stats stats;

PJRT_Error* make_error(int code, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
PJRT_Error* check_size(const char* name, size_t given, size_t expected);
#define CHECK_ARGS(type, args, last) do { \
        PJRT_Error* e_ = check_size(#type, (args)->struct_size, ABI_END(type, last) + TEST_STRUCT_SLACK); \
        if (e_) return e_; } while (0)

PJRT_Event* event_new(void);
PJRT_Event* event_ref(PJRT_Event* e);
void event_unref(PJRT_Event* e);
void event_set(PJRT_Event* e, int code, const char* message);
void event_wait(PJRT_Event* e);
PJRT_Error* event_error(PJRT_Event* e);

Storage* storage_alloc(size_t bytes);
Storage* storage_adopt(TF_Tensor* t);
void storage_release(Storage* s);

size_t type_size(int type);
int tf_type(int type);
const char* type_name(int type);
PJRT_Buffer* buffer_new(PJRT_Client* c, PJRT_Device* d, int type, int rank, const int64_t* dims, Storage* s);

/* parse.c: the @main signature (inputs, outputs, aliases) and the CompileOptionsProto fields read. */
typedef struct { int64_t replicas, partitions, ordinal, device; int devices_listed; } BuildOptions;
PJRT_Error* parse_signature(const char* text, PJRT_LoadedExecutable* x);
int parse_compile_options(const char* bytes, size_t size, BuildOptions* o);

/* Slots implemented in buffers.c and program.c. */
PJRT_Error* client_buffer_from_host(BufferFromHostArgs* a);
PJRT_Error* buffer_destroy(BufferArgs* a);
PJRT_Error* buffer_delete(BufferArgs* a);
PJRT_Error* buffer_is_deleted(BufferFlagArgs* a);
PJRT_Error* buffer_is_on_cpu(BufferFlagArgs* a);
PJRT_Error* buffer_element_type(BufferElementTypeArgs* a);
PJRT_Error* buffer_dimensions(BufferDimensionsArgs* a);
PJRT_Error* buffer_on_device_size(BufferSizeArgs* a);
PJRT_Error* buffer_device(BufferDeviceArgs* a);
PJRT_Error* buffer_ready_event(BufferReadyEventArgs* a);
PJRT_Error* buffer_to_host(BufferToHostArgs* a);
PJRT_Error* client_compile(ClientCompileArgs* a);
PJRT_Error* loaded_destroy(LoadedExecutableDestroyArgs* a);
PJRT_Error* loaded_get_executable(LoadedExecutableGetExecutableArgs* a);
PJRT_Error* loaded_execute(ExecuteArgs* a);
PJRT_Error* executable_destroy(ExecutableDestroyArgs* a);
PJRT_Error* executable_name(ExecutableNameArgs* a);
PJRT_Error* executable_num_outputs(ExecutableNumOutputsArgs* a);

#endif
