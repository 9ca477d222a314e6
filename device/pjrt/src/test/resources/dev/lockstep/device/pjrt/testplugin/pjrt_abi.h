/*
 * The part of the PJRT C API (openxla/xla, xla/pjrt/c/pjrt_c_api.h) that the Lockstep test plugin
 * implements, declared here from the ABI's facts: every argument struct starts with struct_size and
 * extension_start, its STRUCT_SIZE is the end of its last field (not sizeof), and the PJRT_Api table is
 * struct_size, extension_start, PJRT_Api_Version and then one function pointer per slot, in the order
 * of the header (stable from 0.33 to 0.105 for the slots below). Layouts are those of version 0.94.
 */
#ifndef LOCKSTEP_PJRT_ABI_H
#define LOCKSTEP_PJRT_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ABI_END(type, field) (offsetof(type, field) + sizeof(((type*)0)->field))
#define ARGS_HEAD size_t struct_size; void* extension_start

typedef struct PJRT_Error PJRT_Error;
typedef struct PJRT_Event PJRT_Event;
typedef struct PJRT_Client PJRT_Client;
typedef struct PJRT_Device PJRT_Device;
typedef struct PJRT_DeviceDescription PJRT_DeviceDescription;
typedef struct PJRT_Buffer PJRT_Buffer;
typedef struct PJRT_LoadedExecutable PJRT_LoadedExecutable;
typedef struct PJRT_Executable PJRT_Executable;

enum {
    CODE_OK = 0, CODE_CANCELLED = 1, CODE_UNKNOWN = 2, CODE_INVALID_ARGUMENT = 3, CODE_DEADLINE_EXCEEDED = 4,
    CODE_NOT_FOUND = 5, CODE_FAILED_PRECONDITION = 9, CODE_OUT_OF_RANGE = 11, CODE_UNIMPLEMENTED = 12,
    CODE_INTERNAL = 13, CODE_DATA_LOSS = 15
};

/* PJRT_Buffer_Type values. */
enum { TYPE_INVALID = 0, TYPE_PRED = 1, TYPE_S32 = 4, TYPE_S64 = 5, TYPE_F16 = 10, TYPE_F32 = 11, TYPE_F64 = 12,
       TYPE_BF16 = 13 };

/* PJRT_NamedValue_Type values. */
enum { NV_STRING = 0, NV_INT64 = 1, NV_INT64_LIST = 2, NV_FLOAT = 3, NV_BOOL = 4 };

typedef struct { size_t struct_size; void* extension_start; int major_version; int minor_version; } ApiVersion;

typedef struct {
    ARGS_HEAD;
    const char* name;
    size_t name_size;
    int type;
    union { const char* string_value; int64_t int64_value; const int64_t* int64_array_value; float float_value;
            bool bool_value; };
    size_t value_size;
} NamedValue;

typedef struct { ARGS_HEAD; PJRT_Error* error; } ErrorDestroyArgs;
typedef struct { ARGS_HEAD; const PJRT_Error* error; const char* message; size_t message_size; } ErrorMessageArgs;
typedef struct { ARGS_HEAD; const PJRT_Error* error; int code; } ErrorGetCodeArgs;
typedef struct { ARGS_HEAD; } PluginInitializeArgs;
typedef struct { ARGS_HEAD; const NamedValue* attributes; size_t num_attributes; } PluginAttributesArgs;

typedef void (*OnReadyCallback)(PJRT_Error* error, void* user_arg);
typedef struct { ARGS_HEAD; PJRT_Event* event; } EventArgs; /* Destroy, Error, Await */
typedef struct { ARGS_HEAD; PJRT_Event* event; bool is_ready; } EventIsReadyArgs;
typedef struct { ARGS_HEAD; PJRT_Event* event; OnReadyCallback callback; void* user_arg; } EventOnReadyArgs;

typedef struct {
    ARGS_HEAD;
    const NamedValue* create_options;
    size_t num_options;
    void* kv_get_callback;
    void* kv_get_user_arg;
    void* kv_put_callback;
    void* kv_put_user_arg;
    PJRT_Client* client;
    void* kv_try_get_callback;
    void* kv_try_get_user_arg;
} ClientCreateArgs;
typedef struct { ARGS_HEAD; PJRT_Client* client; } ClientDestroyArgs;
typedef struct { ARGS_HEAD; PJRT_Client* client; const char* text; size_t text_size; } ClientStringArgs; /* PlatformName, PlatformVersion */
typedef struct { ARGS_HEAD; PJRT_Client* client; int process_index; } ClientProcessIndexArgs;
typedef struct { ARGS_HEAD; PJRT_Client* client; PJRT_Device* const* devices; size_t num_devices; } ClientDevicesArgs;
typedef struct { ARGS_HEAD; PJRT_Client* client; int id; PJRT_Device* device; } ClientLookupDeviceArgs;

typedef struct { ARGS_HEAD; char* code; size_t code_size; const char* format; size_t format_size; } Program;
typedef struct {
    ARGS_HEAD;
    PJRT_Client* client;
    const Program* program;
    const char* compile_options;
    size_t compile_options_size;
    PJRT_LoadedExecutable* executable;
} ClientCompileArgs;

typedef struct {
    ARGS_HEAD;
    PJRT_Client* client;
    const void* data;
    int type;
    const int64_t* dims;
    size_t num_dims;
    const int64_t* byte_strides;
    size_t num_byte_strides;
    int host_buffer_semantics;
    PJRT_Device* device;
    void* memory;
    void* device_layout;
    PJRT_Event* done_with_host_buffer;
    PJRT_Buffer* buffer;
} BufferFromHostArgs;

typedef struct { ARGS_HEAD; PJRT_DeviceDescription* description; int value; } DescriptionIntArgs; /* Id, ProcessIndex */
typedef struct { ARGS_HEAD; PJRT_DeviceDescription* description; const char* text; size_t text_size; } DescriptionStringArgs;
typedef struct { ARGS_HEAD; PJRT_Device* device; PJRT_DeviceDescription* description; } DeviceGetDescriptionArgs;
typedef struct { ARGS_HEAD; PJRT_Device* device; bool is_addressable; } DeviceIsAddressableArgs;
typedef struct { ARGS_HEAD; PJRT_Device* device; int local_hardware_id; } DeviceLocalHardwareIdArgs;

typedef struct { ARGS_HEAD; PJRT_Executable* executable; } ExecutableDestroyArgs;
typedef struct { ARGS_HEAD; PJRT_Executable* executable; const char* name; size_t name_size; } ExecutableNameArgs;
typedef struct { ARGS_HEAD; PJRT_Executable* executable; size_t num_outputs; } ExecutableNumOutputsArgs;
typedef struct { ARGS_HEAD; PJRT_LoadedExecutable* executable; } LoadedExecutableDestroyArgs;
typedef struct { ARGS_HEAD; PJRT_LoadedExecutable* loaded; PJRT_Executable* executable; } LoadedExecutableGetExecutableArgs;

typedef struct {
    ARGS_HEAD;
    void* send_callbacks;
    void* recv_callbacks;
    size_t num_send_ops;
    size_t num_recv_ops;
    int launch_id;
    const int64_t* non_donatable_input_indices;
    size_t num_non_donatable_input_indices;
    void* context;
    const char* call_location;
    size_t num_tasks;
    int* task_ids;
    int64_t* incarnation_ids;
} ExecuteOptions;
typedef struct {
    ARGS_HEAD;
    PJRT_LoadedExecutable* executable;
    ExecuteOptions* options;
    PJRT_Buffer* const* const* argument_lists;
    size_t num_devices;
    size_t num_args;
    PJRT_Buffer** const* output_lists;
    PJRT_Event** device_complete_events;
    PJRT_Device* execute_device;
} ExecuteArgs;

typedef struct { ARGS_HEAD; PJRT_Buffer* buffer; } BufferArgs; /* Destroy, Delete */
typedef struct { ARGS_HEAD; PJRT_Buffer* buffer; int type; } BufferElementTypeArgs;
typedef struct { ARGS_HEAD; PJRT_Buffer* buffer; const int64_t* dims; size_t num_dims; } BufferDimensionsArgs;
typedef struct { ARGS_HEAD; PJRT_Buffer* buffer; size_t size; } BufferSizeArgs;
typedef struct { ARGS_HEAD; PJRT_Buffer* buffer; PJRT_Device* device; } BufferDeviceArgs;
typedef struct { ARGS_HEAD; PJRT_Buffer* buffer; bool value; } BufferFlagArgs; /* IsDeleted, IsOnCpu */
typedef struct { ARGS_HEAD; PJRT_Buffer* buffer; PJRT_Event* event; } BufferReadyEventArgs;
typedef struct {
    ARGS_HEAD;
    PJRT_Buffer* src;
    void* host_layout;
    void* dst;
    size_t dst_size;
    PJRT_Event* event;
} BufferToHostArgs;

/* PJRT_Api slots (index of the function pointer after the version struct). */
enum {
    SLOT_ERROR_DESTROY = 0, SLOT_ERROR_MESSAGE = 1, SLOT_ERROR_GET_CODE = 2, SLOT_PLUGIN_INITIALIZE = 3,
    SLOT_PLUGIN_ATTRIBUTES = 4, SLOT_EVENT_DESTROY = 5, SLOT_EVENT_IS_READY = 6, SLOT_EVENT_ERROR = 7,
    SLOT_EVENT_AWAIT = 8, SLOT_EVENT_ON_READY = 9, SLOT_CLIENT_CREATE = 10, SLOT_CLIENT_DESTROY = 11,
    SLOT_CLIENT_PLATFORM_NAME = 12, SLOT_CLIENT_PROCESS_INDEX = 13, SLOT_CLIENT_PLATFORM_VERSION = 14,
    SLOT_CLIENT_DEVICES = 15, SLOT_CLIENT_ADDRESSABLE_DEVICES = 16, SLOT_CLIENT_LOOKUP_DEVICE = 17,
    SLOT_CLIENT_COMPILE = 20, SLOT_CLIENT_BUFFER_FROM_HOST = 22, SLOT_DESCRIPTION_ID = 23,
    SLOT_DESCRIPTION_PROCESS_INDEX = 24, SLOT_DESCRIPTION_KIND = 26, SLOT_DESCRIPTION_DEBUG_STRING = 27,
    SLOT_DESCRIPTION_TO_STRING = 28, SLOT_DEVICE_GET_DESCRIPTION = 29, SLOT_DEVICE_IS_ADDRESSABLE = 30,
    SLOT_DEVICE_LOCAL_HARDWARE_ID = 31, SLOT_EXECUTABLE_DESTROY = 40, SLOT_EXECUTABLE_NAME = 41,
    SLOT_EXECUTABLE_NUM_OUTPUTS = 44, SLOT_LOADED_DESTROY = 50, SLOT_LOADED_GET_EXECUTABLE = 51,
    SLOT_LOADED_EXECUTE = 55, SLOT_BUFFER_DESTROY = 58, SLOT_BUFFER_ELEMENT_TYPE = 59, SLOT_BUFFER_DIMENSIONS = 60,
    SLOT_BUFFER_ON_DEVICE_SIZE = 64, SLOT_BUFFER_DEVICE = 65, SLOT_BUFFER_DELETE = 67, SLOT_BUFFER_IS_DELETED = 68,
    SLOT_BUFFER_TO_HOST = 70, SLOT_BUFFER_IS_ON_CPU = 71, SLOT_BUFFER_READY_EVENT = 72,
    SLOT_COUNT = 82 /* through PJRT_CopyToDeviceStream_CurrentBytes */
};

typedef struct {
    size_t struct_size;
    void* extension_start;
    ApiVersion pjrt_api_version;
    void* slots[SLOT_COUNT];
} Api;

#endif
