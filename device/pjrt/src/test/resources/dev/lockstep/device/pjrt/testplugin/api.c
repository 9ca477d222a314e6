/* The PJRT_Api table, errors, events, the client and its devices. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

Stats stats;
static atomic_int initialized;

PJRT_Error* make_error(int code, const char* fmt, ...) {
    PJRT_Error* e = malloc(sizeof *e);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    e->message = malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(e->message, (size_t)n + 1, fmt, ap);
    va_end(ap);
    e->code = code;
    return e;
}

/* Like a real plugin: a caller that knows an older, smaller struct is refused, naming both sizes. */
PJRT_Error* check_size(const char* name, size_t given, size_t expected) {
    if (given < expected) {
        return make_error(CODE_INVALID_ARGUMENT, "Unexpected %s size: expected %zu, got %zu. The plugin is built "
                          "with a later PJRT C API version than the caller (test plugin, %d.%d).", name, expected,
                          given, TEST_API_MAJOR, TEST_API_MINOR);
    }
    return NULL;
}

static void error_destroy(ErrorDestroyArgs* a) {
    if (a->error) {
        free(a->error->message);
        free(a->error);
    }
}

static void error_message(ErrorMessageArgs* a) {
    a->message = a->error->message;
    a->message_size = strlen(a->error->message);
}

static PJRT_Error* error_get_code(ErrorGetCodeArgs* a) {
    /* No TEST_STRUCT_SLACK here: a plugin must be able to report why it refused a struct. */
    PJRT_Error* e = check_size("ErrorGetCodeArgs", a->struct_size, ABI_END(ErrorGetCodeArgs, code));
    if (e) {
        return e;
    }
    a->code = a->error->code;
    return NULL;
}

static PJRT_Error* plugin_initialize(PluginInitializeArgs* a) {
    CHECK_ARGS(PluginInitializeArgs, a, extension_start);
    atomic_store(&initialized, 1);
    return NULL;
}

static PJRT_Error* plugin_attributes(PluginAttributesArgs* a) {
    static const char name[] = "lockstep_test_plugin";
    static NamedValue attribute;
    attribute.struct_size = ABI_END(NamedValue, value_size);
    attribute.name = name;
    attribute.name_size = sizeof name - 1;
    attribute.type = NV_BOOL;
    attribute.bool_value = true;
    attribute.value_size = 1;
    a->attributes = &attribute;
    a->num_attributes = 1;
    return NULL;
}

/* ------------------------------------------------------------------ events */

PJRT_Event* event_new(void) {
    PJRT_Event* e = calloc(1, sizeof *e);
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, NULL);
    atomic_store(&e->refs, 1);
    atomic_fetch_add(&stats.live_events, 1);
    return e;
}

PJRT_Event* event_ref(PJRT_Event* e) {
    atomic_fetch_add(&e->refs, 1);
    return e;
}

void event_unref(PJRT_Event* e) {
    if (e && atomic_fetch_sub(&e->refs, 1) == 1) {
        free(e->message);
        pthread_mutex_destroy(&e->mu);
        pthread_cond_destroy(&e->cv);
        free(e);
        atomic_fetch_sub(&stats.live_events, 1);
    }
}

PJRT_Error* event_error(PJRT_Event* e) {
    return e->code == CODE_OK ? NULL : make_error(e->code, "%s", e->message);
}

/* Completes the event and runs its callbacks on this thread, each with its own copy of the error. */
void event_set(PJRT_Event* e, int code, const char* message) {
    pthread_mutex_lock(&e->mu);
    e->ready = 1;
    e->code = code;
    e->message = message ? strdup(message) : NULL;
    Callback* cbs = e->callbacks;
    e->callbacks = NULL;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    while (cbs) {
        Callback* next = cbs->next;
        cbs->fn(event_error(e), cbs->arg);
        free(cbs);
        cbs = next;
    }
}

void event_wait(PJRT_Event* e) {
    pthread_mutex_lock(&e->mu);
    while (!e->ready) {
        pthread_cond_wait(&e->cv, &e->mu);
    }
    pthread_mutex_unlock(&e->mu);
}

static PJRT_Error* event_destroy(EventArgs* a) {
    CHECK_ARGS(EventArgs, a, event);
    event_unref(a->event);
    return NULL;
}

static PJRT_Error* event_is_ready(EventIsReadyArgs* a) {
    CHECK_ARGS(EventIsReadyArgs, a, is_ready);
    pthread_mutex_lock(&a->event->mu);
    a->is_ready = a->event->ready;
    pthread_mutex_unlock(&a->event->mu);
    return NULL;
}

static PJRT_Error* event_get_error(EventArgs* a) {
    CHECK_ARGS(EventArgs, a, event);
    pthread_mutex_lock(&a->event->mu);
    int ready = a->event->ready;
    pthread_mutex_unlock(&a->event->mu);
    if (!ready) {
        return make_error(CODE_FAILED_PRECONDITION, "PJRT_Event_Error called on an event that is not ready");
    }
    return event_error(a->event);
}

static PJRT_Error* event_await(EventArgs* a) {
    CHECK_ARGS(EventArgs, a, event);
    event_wait(a->event);
    return event_error(a->event);
}

static PJRT_Error* event_on_ready(EventOnReadyArgs* a) {
    CHECK_ARGS(EventOnReadyArgs, a, user_arg);
    PJRT_Event* e = a->event;
    pthread_mutex_lock(&e->mu);
    if (!e->ready) {
        Callback* cb = malloc(sizeof *cb);
        cb->fn = a->callback;
        cb->arg = a->user_arg;
        cb->next = e->callbacks;
        e->callbacks = cb;
        pthread_mutex_unlock(&e->mu);
        return NULL;
    }
    pthread_mutex_unlock(&e->mu);
    a->callback(event_error(e), a->user_arg);
    return NULL;
}

/* ------------------------------------------------------------------ client */

static PJRT_Error* int_option(const NamedValue* v, int64_t* out) {
    if (v->type != NV_INT64) {
        return make_error(CODE_INVALID_ARGUMENT, "client option '%.*s' must be an int64, got named value type %d",
                          (int)v->name_size, v->name, v->type);
    }
    *out = v->int64_value;
    return NULL;
}

static PJRT_Error* client_create(ClientCreateArgs* a) {
    CHECK_ARGS(ClientCreateArgs, a, kv_try_get_user_arg);
    if (!atomic_load(&initialized)) {
        return make_error(CODE_FAILED_PRECONDITION, "PJRT_Plugin_Initialize must be called before PJRT_Client_Create");
    }
    int64_t devices = 1, delay = 0, fail_to = -1, fail_from = -1;
    for (size_t i = 0; i < a->num_options; i++) {
        const NamedValue* v = &a->create_options[i];
        PJRT_Error* e = NULL;
        if (v->name_size == 7 && !memcmp(v->name, "devices", 7)) {
            e = int_option(v, &devices);
        } else if (v->name_size == 17 && !memcmp(v->name, "transfer_delay_ms", 17)) {
            e = int_option(v, &delay);
        } else if (v->name_size == 18 && !memcmp(v->name, "fail_to_host_after", 18)) {
            e = int_option(v, &fail_to);
        } else if (v->name_size == 20 && !memcmp(v->name, "fail_from_host_after", 20)) {
            e = int_option(v, &fail_from);
        } else {
            e = make_error(CODE_INVALID_ARGUMENT, "unknown client option '%.*s'; the test plugin takes devices, "
                           "transfer_delay_ms, fail_to_host_after and fail_from_host_after", (int)v->name_size, v->name);
        }
        if (e) {
            return e;
        }
    }
    if (devices < 1 || devices > MAX_DEVICES) {
        return make_error(CODE_INVALID_ARGUMENT, "client option 'devices' must be in [1, %d], got %lld", MAX_DEVICES,
                          (long long)devices);
    }
    PJRT_Client* c = calloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    c->num_devices = (int)devices;
    c->transfer_delay_ms = delay;
    c->fail_to_host_after = fail_to;
    c->fail_from_host_after = fail_from;
    for (int i = 0; i < c->num_devices; i++) {
        PJRT_Device* d = &c->device_storage[i];
        d->client = c;
        d->id = i;
        d->description.device = d;
        snprintf(d->to_string, sizeof d->to_string, "TestCpuDevice(id=%d)", i);
        snprintf(d->debug_string, sizeof d->debug_string, "Lockstep test plugin device %d (XLA CPU through "
                 "TensorFlow's XlaCallModule)", i);
        c->devices[i] = d;
    }
    atomic_fetch_add(&stats.live_clients, 1);
    a->client = c;
    return NULL;
}

static PJRT_Error* client_destroy(ClientDestroyArgs* a) {
    CHECK_ARGS(ClientDestroyArgs, a, client);
    PJRT_Client* c = a->client;
    if (!c) {
        return NULL;
    }
    /* A real plugin would leave dangling buffers; this one counts them so tests can prove there are none. */
    atomic_fetch_add(&stats.buffers_alive_at_client_destroy, c->live_buffers + c->live_executables);
    pthread_mutex_destroy(&c->mu);
    free(c);
    atomic_fetch_sub(&stats.live_clients, 1);
    return NULL;
}

static PJRT_Error* client_platform_name(ClientStringArgs* a) {
    CHECK_ARGS(ClientStringArgs, a, text_size);
    a->text = "lockstep-test-cpu";
    a->text_size = strlen(a->text);
    return NULL;
}

static PJRT_Error* client_platform_version(ClientStringArgs* a) {
    CHECK_ARGS(ClientStringArgs, a, text_size);
    a->text = "Lockstep test plugin over TensorFlow XlaCallModule";
    a->text_size = strlen(a->text);
    return NULL;
}

static PJRT_Error* client_process_index(ClientProcessIndexArgs* a) {
    CHECK_ARGS(ClientProcessIndexArgs, a, process_index);
    a->process_index = 0;
    return NULL;
}

static PJRT_Error* client_devices(ClientDevicesArgs* a) {
    CHECK_ARGS(ClientDevicesArgs, a, num_devices);
    a->devices = a->client->devices;
    a->num_devices = (size_t)a->client->num_devices;
    return NULL;
}

static PJRT_Error* client_lookup_device(ClientLookupDeviceArgs* a) {
    CHECK_ARGS(ClientLookupDeviceArgs, a, device);
    if (a->id < 0 || a->id >= a->client->num_devices) {
        return make_error(CODE_INVALID_ARGUMENT, "no device with id %d (the client has %d)", a->id,
                          a->client->num_devices);
    }
    a->device = a->client->devices[a->id];
    return NULL;
}

/* ------------------------------------------------------------------ devices */

static PJRT_Error* description_id(DescriptionIntArgs* a) {
    CHECK_ARGS(DescriptionIntArgs, a, value);
    a->value = a->description->device->id;
    return NULL;
}

static PJRT_Error* description_process_index(DescriptionIntArgs* a) {
    CHECK_ARGS(DescriptionIntArgs, a, value);
    a->value = 0;
    return NULL;
}

static PJRT_Error* description_kind(DescriptionStringArgs* a) {
    CHECK_ARGS(DescriptionStringArgs, a, text_size);
    a->text = "lockstep-test-cpu";
    a->text_size = strlen(a->text);
    return NULL;
}

static PJRT_Error* description_debug_string(DescriptionStringArgs* a) {
    CHECK_ARGS(DescriptionStringArgs, a, text_size);
    a->text = a->description->device->debug_string;
    a->text_size = strlen(a->text);
    return NULL;
}

static PJRT_Error* description_to_string(DescriptionStringArgs* a) {
    CHECK_ARGS(DescriptionStringArgs, a, text_size);
    a->text = a->description->device->to_string;
    a->text_size = strlen(a->text);
    return NULL;
}

static PJRT_Error* device_get_description(DeviceGetDescriptionArgs* a) {
    CHECK_ARGS(DeviceGetDescriptionArgs, a, description);
    a->description = &a->device->description;
    return NULL;
}

static PJRT_Error* device_is_addressable(DeviceIsAddressableArgs* a) {
    CHECK_ARGS(DeviceIsAddressableArgs, a, is_addressable);
    a->is_addressable = true;
    return NULL;
}

static PJRT_Error* device_local_hardware_id(DeviceLocalHardwareIdArgs* a) {
    CHECK_ARGS(DeviceLocalHardwareIdArgs, a, local_hardware_id);
    a->local_hardware_id = a->device->id;
    return NULL;
}

/* ------------------------------------------------------------------ the table */

/* Every slot this plugin does not implement answers UNIMPLEMENTED, naming the slot. */
#define UNIMPLEMENTED_SLOT(n) \
    static PJRT_Error* unimplemented_##n(void* args) { \
        (void)args; \
        return make_error(CODE_UNIMPLEMENTED, "PJRT_Api slot %d is not implemented by the Lockstep test plugin", n); \
    }
#define U(n) UNIMPLEMENTED_SLOT(n)
U(0) U(1) U(2) U(3) U(4) U(5) U(6) U(7) U(8) U(9) U(10) U(11) U(12) U(13) U(14) U(15) U(16) U(17) U(18) U(19)
U(20) U(21) U(22) U(23) U(24) U(25) U(26) U(27) U(28) U(29) U(30) U(31) U(32) U(33) U(34) U(35) U(36) U(37) U(38)
U(39) U(40) U(41) U(42) U(43) U(44) U(45) U(46) U(47) U(48) U(49) U(50) U(51) U(52) U(53) U(54) U(55) U(56) U(57)
U(58) U(59) U(60) U(61) U(62) U(63) U(64) U(65) U(66) U(67) U(68) U(69) U(70) U(71) U(72) U(73) U(74) U(75) U(76)
U(77) U(78) U(79) U(80) U(81)
#undef U
#define U(n) unimplemented_##n,
static void* const unimplemented[SLOT_COUNT] = {
    U(0) U(1) U(2) U(3) U(4) U(5) U(6) U(7) U(8) U(9) U(10) U(11) U(12) U(13) U(14) U(15) U(16) U(17) U(18) U(19)
    U(20) U(21) U(22) U(23) U(24) U(25) U(26) U(27) U(28) U(29) U(30) U(31) U(32) U(33) U(34) U(35) U(36) U(37)
    U(38) U(39) U(40) U(41) U(42) U(43) U(44) U(45) U(46) U(47) U(48) U(49) U(50) U(51) U(52) U(53) U(54) U(55)
    U(56) U(57) U(58) U(59) U(60) U(61) U(62) U(63) U(64) U(65) U(66) U(67) U(68) U(69) U(70) U(71) U(72) U(73)
    U(74) U(75) U(76) U(77) U(78) U(79) U(80) U(81)
};
#undef U

static Api api;

/* The tests build a plugin without this symbol with -DGetPjrtApi=SomethingElse. */
__attribute__((visibility("default")))
const Api* GetPjrtApi(void) {
    if (api.struct_size == 0) {
        memcpy(api.slots, unimplemented, sizeof api.slots);
        api.slots[SLOT_ERROR_DESTROY] = error_destroy;
        api.slots[SLOT_ERROR_MESSAGE] = error_message;
        api.slots[SLOT_ERROR_GET_CODE] = error_get_code;
        api.slots[SLOT_PLUGIN_INITIALIZE] = plugin_initialize;
        api.slots[SLOT_PLUGIN_ATTRIBUTES] = plugin_attributes;
        api.slots[SLOT_EVENT_DESTROY] = event_destroy;
        api.slots[SLOT_EVENT_IS_READY] = event_is_ready;
        api.slots[SLOT_EVENT_ERROR] = event_get_error;
        api.slots[SLOT_EVENT_AWAIT] = event_await;
        api.slots[SLOT_EVENT_ON_READY] = event_on_ready;
        api.slots[SLOT_CLIENT_CREATE] = client_create;
        api.slots[SLOT_CLIENT_DESTROY] = client_destroy;
        api.slots[SLOT_CLIENT_PLATFORM_NAME] = client_platform_name;
        api.slots[SLOT_CLIENT_PROCESS_INDEX] = client_process_index;
        api.slots[SLOT_CLIENT_PLATFORM_VERSION] = client_platform_version;
        api.slots[SLOT_CLIENT_DEVICES] = client_devices;
        api.slots[SLOT_CLIENT_ADDRESSABLE_DEVICES] = client_devices;
        api.slots[SLOT_CLIENT_LOOKUP_DEVICE] = client_lookup_device;
        api.slots[SLOT_CLIENT_COMPILE] = client_compile;
        api.slots[SLOT_CLIENT_BUFFER_FROM_HOST] = client_buffer_from_host;
        api.slots[SLOT_DESCRIPTION_ID] = description_id;
        api.slots[SLOT_DESCRIPTION_PROCESS_INDEX] = description_process_index;
        api.slots[SLOT_DESCRIPTION_KIND] = description_kind;
        api.slots[SLOT_DESCRIPTION_DEBUG_STRING] = description_debug_string;
        api.slots[SLOT_DESCRIPTION_TO_STRING] = description_to_string;
        api.slots[SLOT_DEVICE_GET_DESCRIPTION] = device_get_description;
        api.slots[SLOT_DEVICE_IS_ADDRESSABLE] = device_is_addressable;
        api.slots[SLOT_DEVICE_LOCAL_HARDWARE_ID] = device_local_hardware_id;
        api.slots[SLOT_EXECUTABLE_DESTROY] = executable_destroy;
        api.slots[SLOT_EXECUTABLE_NAME] = executable_name;
        api.slots[SLOT_EXECUTABLE_NUM_OUTPUTS] = executable_num_outputs;
        api.slots[SLOT_LOADED_DESTROY] = loaded_destroy;
        api.slots[SLOT_LOADED_GET_EXECUTABLE] = loaded_get_executable;
        api.slots[SLOT_LOADED_EXECUTE] = loaded_execute;
        api.slots[SLOT_BUFFER_DESTROY] = buffer_destroy;
        api.slots[SLOT_BUFFER_ELEMENT_TYPE] = buffer_element_type;
        api.slots[SLOT_BUFFER_DIMENSIONS] = buffer_dimensions;
        api.slots[SLOT_BUFFER_ON_DEVICE_SIZE] = buffer_on_device_size;
        api.slots[SLOT_BUFFER_DEVICE] = buffer_device;
        api.slots[SLOT_BUFFER_DELETE] = buffer_delete;
        api.slots[SLOT_BUFFER_IS_DELETED] = buffer_is_deleted;
        api.slots[SLOT_BUFFER_TO_HOST] = buffer_to_host;
        api.slots[SLOT_BUFFER_IS_ON_CPU] = buffer_is_on_cpu;
        api.slots[SLOT_BUFFER_READY_EVENT] = buffer_ready_event;
        api.pjrt_api_version.struct_size = ABI_END(ApiVersion, minor_version);
        api.pjrt_api_version.major_version = TEST_API_MAJOR;
        api.pjrt_api_version.minor_version = TEST_API_MINOR;
        api.struct_size = offsetof(Api, slots) + TEST_API_SLOTS * sizeof(void*);
    }
    return &api;
}

/* Test hook (not PJRT): live and total counts of what the plugin holds, in the order of Stats. */
__attribute__((visibility("default")))
void lockstep_test_pjrt_stats(int64_t* out) {
    out[0] = atomic_load(&stats.live_buffers);
    out[1] = atomic_load(&stats.live_bytes);
    out[2] = atomic_load(&stats.buffers_created);
    out[3] = atomic_load(&stats.executions);
    out[4] = atomic_load(&stats.donations);
    out[5] = atomic_load(&stats.live_events);
    out[6] = atomic_load(&stats.live_clients);
    out[7] = atomic_load(&stats.live_executables);
    out[8] = atomic_load(&stats.buffers_alive_at_client_destroy);
}
