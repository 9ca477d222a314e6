package dev.lockstep.device.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The part of the PJRT C API this binding uses, written by hand from {@code xla/pjrt/c/pjrt_c_api.h} of
 * version 0.94 (openxla/xla). To follow a newer header: compare the structs below with it field by field
 * (fields are only ever appended), and raise {@link #MINOR} when a struct here grew.
 *
 * <p>Compatibility: plugins with major version {@value #MAJOR} and minor version from {@value #MIN_MINOR}
 * (the last rearrangement of the PJRT_Api table) are accepted. A plugin older than 0.94 reads only the
 * fields it knows of the structs passed to it (they are larger than it expects, which PJRT allows); a newer
 * plugin whose struct grew past what is written here refuses the call with its own message, which the
 * binding passes on.
 */
final class Abi {
    private Abi() {}

    static final int MAJOR = 0;
    static final int MINOR = 94;
    static final int MIN_MINOR = 57;

    /** Offsets in PJRT_Api: struct_size, extension_start, then PJRT_Api_Version, then the function pointers. */
    static final long API_STRUCT_SIZE = 0, API_VERSION = 16, API_SLOTS = 40;
    static final long VERSION_STRUCT_SIZE = 0, VERSION_MAJOR = 16, VERSION_MINOR = 20, VERSION_END = 24;

    /** Slots of PJRT_Api (the index of a function pointer after the version struct). */
    enum Slot {
        ERROR_DESTROY(0, "PJRT_Error_Destroy"), ERROR_MESSAGE(1, "PJRT_Error_Message"),
        ERROR_GET_CODE(2, "PJRT_Error_GetCode"), PLUGIN_INITIALIZE(3, "PJRT_Plugin_Initialize"),
        EVENT_DESTROY(5, "PJRT_Event_Destroy"), EVENT_IS_READY(6, "PJRT_Event_IsReady"),
        EVENT_ERROR(7, "PJRT_Event_Error"), EVENT_ON_READY(9, "PJRT_Event_OnReady"),
        CLIENT_CREATE(10, "PJRT_Client_Create"), CLIENT_DESTROY(11, "PJRT_Client_Destroy"),
        CLIENT_PLATFORM_NAME(12, "PJRT_Client_PlatformName"),
        CLIENT_PLATFORM_VERSION(14, "PJRT_Client_PlatformVersion"),
        CLIENT_ADDRESSABLE_DEVICES(16, "PJRT_Client_AddressableDevices"), CLIENT_COMPILE(20, "PJRT_Client_Compile"),
        CLIENT_BUFFER_FROM_HOST(22, "PJRT_Client_BufferFromHostBuffer"),
        DESCRIPTION_ID(23, "PJRT_DeviceDescription_Id"), DESCRIPTION_KIND(26, "PJRT_DeviceDescription_Kind"),
        DESCRIPTION_TO_STRING(28, "PJRT_DeviceDescription_ToString"),
        DEVICE_GET_DESCRIPTION(29, "PJRT_Device_GetDescription"), EXECUTABLE_DESTROY(40, "PJRT_Executable_Destroy"),
        EXECUTABLE_NUM_OUTPUTS(44, "PJRT_Executable_NumOutputs"),
        LOADED_DESTROY(50, "PJRT_LoadedExecutable_Destroy"),
        LOADED_GET_EXECUTABLE(51, "PJRT_LoadedExecutable_GetExecutable"),
        LOADED_EXECUTE(55, "PJRT_LoadedExecutable_Execute"), BUFFER_DESTROY(58, "PJRT_Buffer_Destroy"),
        BUFFER_TO_HOST(70, "PJRT_Buffer_ToHostBuffer");

        final int index;
        final String function;

        Slot(int index, String function) {
            this.index = index;
            this.function = function;
        }

        long offset() {
            return API_SLOTS + 8L * index;
        }
    }

    /** The PJRT_Api struct_size a plugin needs so that every slot above is inside it. */
    static long requiredApiSize() {
        long max = 0;
        for (Slot s : Slot.values()) {
            max = Math.max(max, s.offset() + 8);
        }
        return max;
    }

    // PJRT_Buffer_Type
    static final int TYPE_PRED = 1, TYPE_S32 = 4, TYPE_S64 = 5, TYPE_F16 = 10, TYPE_F32 = 11, TYPE_F64 = 12,
            TYPE_BF16 = 13;
    // PJRT_NamedValue_Type
    static final int NAMED_STRING = 0, NAMED_INT64 = 1, NAMED_INT64_LIST = 2, NAMED_FLOAT = 3, NAMED_BOOL = 4;
    /** PJRT_HostBufferSemantics_kImmutableUntilTransferCompletes: the staging memory is ours again at the event. */
    static final int IMMUTABLE_UNTIL_TRANSFER_COMPLETES = 1;

    static final Struct ERROR_DESTROY = Struct.of("PJRT_Error_Destroy_Args", "error", ADDRESS);
    static final Struct ERROR_MESSAGE = Struct.of("PJRT_Error_Message_Args", "error", ADDRESS, "message", ADDRESS,
            "message_size", JAVA_LONG);
    static final Struct ERROR_GET_CODE = Struct.of("PJRT_Error_GetCode_Args", "error", ADDRESS, "code", JAVA_INT);
    static final Struct PLUGIN_INITIALIZE = Struct.of("PJRT_Plugin_Initialize_Args");
    /** PJRT_Event_Destroy_Args and PJRT_Event_Error_Args have this layout. */
    static final Struct EVENT = Struct.of("PJRT_Event_Destroy_Args", "event", ADDRESS);
    static final Struct EVENT_IS_READY = Struct.of("PJRT_Event_IsReady_Args", "event", ADDRESS, "is_ready",
            JAVA_BOOLEAN);
    static final Struct EVENT_ON_READY = Struct.of("PJRT_Event_OnReady_Args", "event", ADDRESS, "callback", ADDRESS,
            "user_arg", ADDRESS);
    static final Struct NAMED_VALUE = Struct.of("PJRT_NamedValue", "name", ADDRESS, "name_size", JAVA_LONG,
            "type", JAVA_INT, "value", JAVA_LONG, "value_size", JAVA_LONG);
    static final Struct CLIENT_CREATE = Struct.of("PJRT_Client_Create_Args", "create_options", ADDRESS,
            "num_options", JAVA_LONG, "kv_get_callback", ADDRESS, "kv_get_user_arg", ADDRESS, "kv_put_callback",
            ADDRESS, "kv_put_user_arg", ADDRESS, "client", ADDRESS, "kv_try_get_callback", ADDRESS,
            "kv_try_get_user_arg", ADDRESS);
    static final Struct CLIENT_DESTROY = Struct.of("PJRT_Client_Destroy_Args", "client", ADDRESS);
    /** PJRT_Client_PlatformName_Args and PJRT_Client_PlatformVersion_Args have this layout. */
    static final Struct CLIENT_STRING = Struct.of("PJRT_Client_PlatformName_Args", "client", ADDRESS, "text",
            ADDRESS, "text_size", JAVA_LONG);
    static final Struct CLIENT_DEVICES = Struct.of("PJRT_Client_AddressableDevices_Args", "client", ADDRESS,
            "devices", ADDRESS, "num_devices", JAVA_LONG);
    static final Struct PROGRAM = Struct.of("PJRT_Program", "code", ADDRESS, "code_size", JAVA_LONG, "format",
            ADDRESS, "format_size", JAVA_LONG);
    static final Struct CLIENT_COMPILE = Struct.of("PJRT_Client_Compile_Args", "client", ADDRESS, "program", ADDRESS,
            "compile_options", ADDRESS, "compile_options_size", JAVA_LONG, "executable", ADDRESS);
    static final Struct BUFFER_FROM_HOST = Struct.of("PJRT_Client_BufferFromHostBuffer_Args", "client", ADDRESS,
            "data", ADDRESS, "type", JAVA_INT, "dims", ADDRESS, "num_dims", JAVA_LONG, "byte_strides", ADDRESS,
            "num_byte_strides", JAVA_LONG, "host_buffer_semantics", JAVA_INT, "device", ADDRESS, "memory", ADDRESS,
            "device_layout", ADDRESS, "done_with_host_buffer", ADDRESS, "buffer", ADDRESS);
    static final Struct DESCRIPTION_ID = Struct.of("PJRT_DeviceDescription_Id_Args", "description", ADDRESS,
            "id", JAVA_INT);
    /** PJRT_DeviceDescription_Kind_Args and PJRT_DeviceDescription_ToString_Args have this layout. */
    static final Struct DESCRIPTION_STRING = Struct.of("PJRT_DeviceDescription_Kind_Args", "description", ADDRESS,
            "text", ADDRESS, "text_size", JAVA_LONG);
    static final Struct DEVICE_GET_DESCRIPTION = Struct.of("PJRT_Device_GetDescription_Args", "device", ADDRESS,
            "description", ADDRESS);
    static final Struct LOADED_DESTROY = Struct.of("PJRT_LoadedExecutable_Destroy_Args", "executable", ADDRESS);
    static final Struct LOADED_GET_EXECUTABLE = Struct.of("PJRT_LoadedExecutable_GetExecutable_Args",
            "loaded_executable", ADDRESS, "executable", ADDRESS);
    static final Struct EXECUTABLE_DESTROY = Struct.of("PJRT_Executable_Destroy_Args", "executable", ADDRESS);
    static final Struct EXECUTABLE_NUM_OUTPUTS = Struct.of("PJRT_Executable_NumOutputs_Args", "executable", ADDRESS,
            "num_outputs", JAVA_LONG);
    static final Struct EXECUTE_OPTIONS = Struct.of("PJRT_ExecuteOptions", "send_callbacks", ADDRESS,
            "recv_callbacks", ADDRESS, "num_send_ops", JAVA_LONG, "num_recv_ops", JAVA_LONG, "launch_id", JAVA_INT,
            "non_donatable_input_indices", ADDRESS, "num_non_donatable_input_indices", JAVA_LONG, "context", ADDRESS,
            "call_location", ADDRESS, "num_tasks", JAVA_LONG, "task_ids", ADDRESS, "incarnation_ids", ADDRESS);
    static final Struct EXECUTE = Struct.of("PJRT_LoadedExecutable_Execute_Args", "executable", ADDRESS, "options",
            ADDRESS, "argument_lists", ADDRESS, "num_devices", JAVA_LONG, "num_args", JAVA_LONG, "output_lists",
            ADDRESS, "device_complete_events", ADDRESS, "execute_device", ADDRESS);
    static final Struct BUFFER_DESTROY = Struct.of("PJRT_Buffer_Destroy_Args", "buffer", ADDRESS);
    static final Struct BUFFER_TO_HOST = Struct.of("PJRT_Buffer_ToHostBuffer_Args", "src", ADDRESS, "host_layout",
            ADDRESS, "dst", ADDRESS, "dst_size", JAVA_LONG, "event", ADDRESS);
}
