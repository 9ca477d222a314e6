/* Device buffers (host memory here), transfers in both directions, and their events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plugin.h"

size_t type_size(int type) {
    switch (type) {
        case TYPE_PRED: return 1;
        case TYPE_F16: case TYPE_BF16: return 2;
        case TYPE_S32: case TYPE_F32: return 4;
        case TYPE_S64: case TYPE_F64: return 8;
        default: return 0;
    }
}

int tf_type(int type) {
    switch (type) {
        case TYPE_PRED: return TF_BOOL;
        case TYPE_F16: return TF_HALF;
        case TYPE_BF16: return TF_BFLOAT16;
        case TYPE_S32: return TF_INT32;
        case TYPE_S64: return TF_INT64;
        case TYPE_F32: return TF_FLOAT;
        case TYPE_F64: return TF_DOUBLE;
        default: return -1;
    }
}

const char* type_name(int type) {
    switch (type) {
        case TYPE_PRED: return "pred";
        case TYPE_F16: return "f16";
        case TYPE_BF16: return "bf16";
        case TYPE_S32: return "s32";
        case TYPE_S64: return "s64";
        case TYPE_F32: return "f32";
        case TYPE_F64: return "f64";
        default: return "unsupported";
    }
}

Storage* storage_alloc(size_t bytes) {
    Storage* s = calloc(1, sizeof *s);
    void* p = NULL;
    if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0) {
        free(s);
        return NULL;
    }
    s->data = p;
    s->bytes = bytes;
    atomic_store(&s->refs, 1);
    atomic_fetch_add(&stats.live_bytes, (long long)bytes);
    return s;
}

Storage* storage_adopt(TF_Tensor* t) {
    Storage* s = calloc(1, sizeof *s);
    s->tensor = t;
    s->data = TF_TensorData(t);
    s->bytes = TF_TensorByteSize(t);
    atomic_store(&s->refs, 1);
    atomic_fetch_add(&stats.live_bytes, (long long)s->bytes);
    return s;
}

void storage_release(Storage* s) {
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
        atomic_fetch_sub(&stats.live_bytes, (long long)s->bytes);
        if (s->tensor) {
            TF_DeleteTensor(s->tensor);
        } else {
            free(s->data);
        }
        free(s);
    }
}

PJRT_Buffer* buffer_new(PJRT_Client* c, PJRT_Device* d, int type, int rank, const int64_t* dims, Storage* s) {
    PJRT_Buffer* b = calloc(1, sizeof *b);
    b->client = c;
    b->device = d;
    b->type = type;
    b->rank = rank;
    size_t n = 1;
    for (int i = 0; i < rank; i++) {
        b->dims[i] = dims[i];
        n *= (size_t)dims[i];
    }
    b->bytes = n * type_size(type);
    b->storage = s;
    b->ready = event_new();
    pthread_mutex_lock(&c->mu);
    c->live_buffers++;
    pthread_mutex_unlock(&c->mu);
    atomic_fetch_add(&stats.live_buffers, 1);
    atomic_fetch_add(&stats.buffers_created, 1);
    return b;
}

/* A copy that completes on its own thread after the client's transfer delay (events are then really async). */
typedef struct {
    PJRT_Event* done;
    PJRT_Event* buffer_ready; /* null for copies to the host */
    Storage* device;          /* held for the copy */
    void* dst;
    const void* src;
    size_t bytes;
    int64_t delay_ms;
    int fail;
} Transfer;

static void transfer_finish(Transfer* t) {
    if (t->fail) {
        const char* why = "injected transfer failure (client option fail_to_host_after / fail_from_host_after)";
        if (t->buffer_ready) {
            event_set(t->buffer_ready, CODE_DATA_LOSS, why);
        }
        event_set(t->done, CODE_DATA_LOSS, why);
    } else {
        memcpy(t->dst, t->src, t->bytes);
        if (t->buffer_ready) {
            event_set(t->buffer_ready, CODE_OK, NULL);
        }
        event_set(t->done, CODE_OK, NULL);
    }
    event_unref(t->done);
    if (t->buffer_ready) {
        event_unref(t->buffer_ready);
    }
    storage_release(t->device);
    free(t);
}

static void* transfer_thread(void* arg) {
    Transfer* t = arg;
    struct timespec ts = {t->delay_ms / 1000, (t->delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    transfer_finish(t);
    return NULL;
}

static void transfer_start(Transfer* t) {
    if (t->delay_ms <= 0) {
        transfer_finish(t);
        return;
    }
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, transfer_thread, t) != 0) {
        transfer_finish(t);
    }
    pthread_attr_destroy(&attr);
}

static int next_count(PJRT_Client* c, int64_t* counter, int64_t fail_at) {
    pthread_mutex_lock(&c->mu);
    int64_t n = (*counter)++;
    pthread_mutex_unlock(&c->mu);
    return fail_at >= 0 && n == fail_at;
}

PJRT_Error* client_buffer_from_host(BufferFromHostArgs* a) {
    CHECK_ARGS(BufferFromHostArgs, a, buffer);
    if (type_size(a->type) == 0) {
        return make_error(CODE_UNIMPLEMENTED, "buffer element type %d is not supported by the test plugin "
                          "(it has pred, s32, s64, f16, bf16, f32, f64)", a->type);
    }
    if (a->num_dims > 16) {
        return make_error(CODE_UNIMPLEMENTED, "rank %zu is above the test plugin's 16", a->num_dims);
    }
    if (a->memory || a->device_layout) {
        return make_error(CODE_UNIMPLEMENTED, "memory spaces and device layouts are not supported by the test plugin");
    }
    if (a->num_byte_strides) {
        int64_t stride = (int64_t)type_size(a->type);
        for (size_t i = a->num_byte_strides; i-- > 0;) {
            if (a->byte_strides[i] != stride) {
                return make_error(CODE_UNIMPLEMENTED, "non-dense byte strides are not supported by the test plugin");
            }
            stride *= a->dims[i];
        }
    }
    if (!a->device) {
        return make_error(CODE_INVALID_ARGUMENT, "PJRT_Client_BufferFromHostBuffer needs a device");
    }
    for (size_t i = 0; i < a->num_dims; i++) {
        if (a->dims[i] < 0) {
            return make_error(CODE_INVALID_ARGUMENT, "dimension %zu is negative (%lld)", i, (long long)a->dims[i]);
        }
    }
    size_t n = type_size(a->type);
    for (size_t i = 0; i < a->num_dims; i++) {
        n *= (size_t)a->dims[i];
    }
    Storage* s = storage_alloc(n);
    if (!s) {
        return make_error(8 /* RESOURCE_EXHAUSTED */, "cannot allocate %zu bytes", n);
    }
    PJRT_Buffer* b = buffer_new(a->client, a->device, a->type, (int)a->num_dims, a->dims, s);
    Transfer* t = calloc(1, sizeof *t);
    t->done = event_new();
    a->done_with_host_buffer = event_ref(t->done);
    t->buffer_ready = event_ref(b->ready);
    atomic_fetch_add(&s->refs, 1);
    t->device = s;
    t->dst = s->data;
    t->src = a->data;
    t->bytes = n;
    /* Only the "until the transfer completes" semantics lets the copy happen after this call returns. */
    t->delay_ms = a->host_buffer_semantics == 1 ? a->client->transfer_delay_ms : 0;
    t->fail = next_count(a->client, &a->client->from_host_count, a->client->fail_from_host_after);
    a->buffer = b;
    transfer_start(t);
    return NULL;
}

PJRT_Error* buffer_destroy(BufferArgs* a) {
    CHECK_ARGS(BufferArgs, a, buffer);
    PJRT_Buffer* b = a->buffer;
    if (!b) {
        return NULL;
    }
    storage_release(b->storage);
    event_unref(b->ready);
    pthread_mutex_lock(&b->client->mu);
    b->client->live_buffers--;
    pthread_mutex_unlock(&b->client->mu);
    atomic_fetch_sub(&stats.live_buffers, 1);
    free(b);
    return NULL;
}

PJRT_Error* buffer_delete(BufferArgs* a) {
    CHECK_ARGS(BufferArgs, a, buffer);
    storage_release(a->buffer->storage);
    a->buffer->storage = NULL;
    return NULL;
}

PJRT_Error* buffer_is_deleted(BufferFlagArgs* a) {
    CHECK_ARGS(BufferFlagArgs, a, value);
    a->value = a->buffer->storage == NULL;
    return NULL;
}

PJRT_Error* buffer_is_on_cpu(BufferFlagArgs* a) {
    CHECK_ARGS(BufferFlagArgs, a, value);
    a->value = true;
    return NULL;
}

PJRT_Error* buffer_element_type(BufferElementTypeArgs* a) {
    CHECK_ARGS(BufferElementTypeArgs, a, type);
    a->type = a->buffer->type;
    return NULL;
}

PJRT_Error* buffer_dimensions(BufferDimensionsArgs* a) {
    CHECK_ARGS(BufferDimensionsArgs, a, num_dims);
    a->dims = a->buffer->dims;
    a->num_dims = (size_t)a->buffer->rank;
    return NULL;
}

PJRT_Error* buffer_on_device_size(BufferSizeArgs* a) {
    CHECK_ARGS(BufferSizeArgs, a, size);
    a->size = a->buffer->bytes;
    return NULL;
}

PJRT_Error* buffer_device(BufferDeviceArgs* a) {
    CHECK_ARGS(BufferDeviceArgs, a, device);
    a->device = a->buffer->device;
    return NULL;
}

PJRT_Error* buffer_ready_event(BufferReadyEventArgs* a) {
    CHECK_ARGS(BufferReadyEventArgs, a, event);
    if (!a->buffer->storage) {
        PJRT_Event* e = event_new();
        event_set(e, CODE_FAILED_PRECONDITION, "the buffer has been deleted or donated");
        a->event = e;
        return NULL;
    }
    a->event = event_ref(a->buffer->ready);
    return NULL;
}

PJRT_Error* buffer_to_host(BufferToHostArgs* a) {
    CHECK_ARGS(BufferToHostArgs, a, event);
    PJRT_Buffer* b = a->src;
    if (a->host_layout) {
        return make_error(CODE_UNIMPLEMENTED, "host layouts are not supported by the test plugin");
    }
    if (!a->dst) {
        a->dst_size = b->bytes;
        return NULL;
    }
    if (!b->storage) {
        return make_error(CODE_FAILED_PRECONDITION, "the buffer (%s, %zu bytes) has been deleted or donated",
                          type_name(b->type), b->bytes);
    }
    if (a->dst_size < b->bytes) {
        return make_error(CODE_INVALID_ARGUMENT, "destination of %zu bytes is too small for %zu", a->dst_size, b->bytes);
    }
    event_wait(b->ready);
    Transfer* t = calloc(1, sizeof *t);
    t->done = event_new();
    a->event = event_ref(t->done);
    atomic_fetch_add(&b->storage->refs, 1);
    t->device = b->storage;
    t->dst = a->dst;
    t->src = b->storage->data;
    t->bytes = b->bytes;
    t->delay_ms = b->client->transfer_delay_ms;
    t->fail = next_count(b->client, &b->client->to_host_count, b->client->fail_to_host_after);
    if (b->ready->code != CODE_OK) {
        PJRT_Error* e = event_error(b->ready);
        event_set(t->done, e->code, e->message);
        free(e->message);
        free(e);
        event_unref(t->done);
        storage_release(t->device);
        free(t);
        return NULL;
    }
    transfer_start(t);
    return NULL;
}
