/* Compiling StableHLO text into a TensorFlow graph of one XlaCallModule op, and running it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin.h"

/* ------------------------------------------------------------ compile */

static TF_Tensor* zeros(const TensorSig* s) {
    size_t n = type_size(s->type);
    for (int i = 0; i < s->rank; i++) {
        n *= (size_t)s->dims[i];
    }
    TF_Tensor* t = TF_AllocateTensor(tf_type(s->type), s->dims, s->rank, n);
    memset(TF_TensorData(t), 0, n);
    return t;
}

/* One run on zeros: XLA compiles at the first run, and a rejected module must fail in Compile. */
static int run_on_zeros(PJRT_LoadedExecutable* x, TF_Session* session, TF_Status* status) {
    TF_Tensor** in = calloc((size_t)x->num_inputs + 1, sizeof *in);
    TF_Tensor** out = calloc((size_t)x->num_outputs + 1, sizeof *out);
    for (int i = 0; i < x->num_inputs; i++) {
        in[i] = zeros(&x->inputs[i]);
    }
    const TF_Operation* target = x->call;
    TF_SessionRun(session, NULL, x->feeds, in, x->num_inputs, x->fetches, out, x->num_outputs,
                  x->num_outputs ? NULL : &target, x->num_outputs ? 0 : 1, NULL, status);
    for (int i = 0; i < x->num_inputs; i++) {
        TF_DeleteTensor(in[i]);
    }
    for (int i = 0; i < x->num_outputs; i++) {
        if (out[i]) {
            TF_DeleteTensor(out[i]);
        }
    }
    free(in);
    free(out);
    return TF_GetCode(status);
}

/* XLA prints why it rejected a module only on stderr: run again in a fresh session with fd 2 captured. */
static char* rejection_log(PJRT_LoadedExecutable* x) {
    char path[] = "/tmp/lockstep-test-pjrt-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        return strdup("");
    }
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    TF_Status* status = TF_NewStatus();
    TF_SessionOptions* opts = TF_NewSessionOptions();
    TF_Session* fresh = TF_NewSession(x->graph, opts, status);
    if (TF_GetCode(status) == 0) {
        run_on_zeros(x, fresh, status);
        TF_CloseSession(fresh, status);
        TF_DeleteSession(fresh, status);
    }
    TF_DeleteSessionOptions(opts);
    TF_DeleteStatus(status);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    char* log = calloc((size_t)size + 1, 1);
    if (size > 0 && pread(fd, log, (size_t)size, 0) < 0) {
        log[0] = 0;
    }
    close(fd);
    unlink(path);
    return log;
}

static void destroy_program(PJRT_LoadedExecutable* x) {
    TF_Status* status = TF_NewStatus();
    if (x->session) {
        TF_CloseSession(x->session, status);
        TF_DeleteSession(x->session, status);
    }
    TF_DeleteStatus(status);
    if (x->graph) {
        TF_DeleteGraph(x->graph);
    }
    free(x->inputs);
    free(x->outputs);
    free(x->alias);
    free(x->feeds);
    free(x->fetches);
    free(x);
}

static PJRT_Error* build_graph(PJRT_LoadedExecutable* x, const char* text, size_t text_size) {
    TF_Status* status = TF_NewStatus();
    x->graph = TF_NewGraph();
    x->feeds = calloc((size_t)x->num_inputs + 1, sizeof(TF_Output));
    x->fetches = calloc((size_t)x->num_outputs + 1, sizeof(TF_Output));
    int* tin = calloc((size_t)x->num_inputs + 1, sizeof(int));
    int* tout = calloc((size_t)x->num_outputs + 1, sizeof(int));
    const int64_t** sout = calloc((size_t)x->num_outputs + 1, sizeof(int64_t*));
    int* sout_rank = calloc((size_t)x->num_outputs + 1, sizeof(int));
    PJRT_Error* err = NULL;
    for (int i = 0; i < x->num_inputs && !err; i++) {
        char name[32];
        snprintf(name, sizeof name, "arg%d", i);
        TF_OperationDescription* d = TF_NewOperation(x->graph, "Placeholder", name);
        tin[i] = tf_type(x->inputs[i].type);
        TF_SetAttrType(d, "dtype", tin[i]);
        TF_SetAttrShape(d, "shape", x->inputs[i].dims, x->inputs[i].rank);
        x->feeds[i].oper = TF_FinishOperation(d, status);
        if (TF_GetCode(status)) {
            err = make_error(TF_GetCode(status), "placeholder %d: %s", i, TF_Message(status));
        }
    }
    for (int i = 0; i < x->num_outputs; i++) {
        tout[i] = tf_type(x->outputs[i].type);
        sout[i] = x->outputs[i].dims;
        sout_rank[i] = x->outputs[i].rank;
    }
    if (!err) {
        TF_OperationDescription* d = TF_NewOperation(x->graph, "XlaCallModule", "main");
        TF_AddInputList(d, x->feeds, x->num_inputs);
        TF_SetAttrInt(d, "version", 9); /* serialization versions 4..9 take MLIR text */
        TF_SetAttrString(d, "module", text, text_size);
        TF_SetAttrShapeList(d, "Sout", sout, sout_rank, x->num_outputs);
        TF_SetAttrTypeList(d, "Tout", tout, x->num_outputs);
        TF_SetAttrTypeList(d, "Tin", tin, x->num_inputs);
        TF_SetAttrStringList(d, "dim_args_spec", NULL, NULL, 0);
        const char* platform = "CPU";
        size_t platform_len = 3;
        TF_SetAttrStringList(d, "platforms", (const void* const*)&platform, &platform_len, 1);
        static const unsigned char empty_list[] = {0x0a, 0x00}; /* AttrValue{list: {}} */
        TF_SetAttrValueProto(d, "function_list", empty_list, sizeof empty_list, status);
        TF_SetAttrBool(d, "has_token_input_output", 0);
        TF_SetAttrStringList(d, "disabled_checks", NULL, NULL, 0);
        x->call = TF_GetCode(status) ? NULL : TF_FinishOperation(d, status);
        if (TF_GetCode(status)) {
            err = make_error(TF_GetCode(status), "building the XlaCallModule op: %s", TF_Message(status));
        }
    }
    for (int i = 0; i < x->num_outputs && !err; i++) {
        x->fetches[i].oper = x->call;
        x->fetches[i].index = i;
    }
    if (!err) {
        TF_SessionOptions* opts = TF_NewSessionOptions();
        x->session = TF_NewSession(x->graph, opts, status);
        TF_DeleteSessionOptions(opts);
        if (TF_GetCode(status)) {
            err = make_error(TF_GetCode(status), "creating the session: %s", TF_Message(status));
        }
    }
    if (!err && run_on_zeros(x, x->session, status)) {
        char* log = rejection_log(x);
        err = make_error(CODE_INVALID_ARGUMENT, "XLA rejected the module: %s\n%s", TF_Message(status), log);
        free(log);
    }
    free(tin);
    free(tout);
    free(sout);
    free(sout_rank);
    TF_DeleteStatus(status);
    return err;
}

PJRT_Error* client_compile(ClientCompileArgs* a) {
    CHECK_ARGS(ClientCompileArgs, a, executable);
    CHECK_ARGS(Program, a->program, format_size);
    const Program* prog = a->program;
    if (prog->format_size != 4 || memcmp(prog->format, "mlir", 4)) {
        return make_error(CODE_INVALID_ARGUMENT, "Unknown program format '%.*s'; the test plugin compiles 'mlir'",
                          (int)prog->format_size, prog->format);
    }
    BuildOptions o = {1, 1, -1, 0, 0};
    if (!parse_compile_options(a->compile_options, a->compile_options_size, &o)) {
        return make_error(CODE_INVALID_ARGUMENT, "PJRT_Client_Compile: failed to deserialize CompileOptionsProto");
    }
    if (o.replicas > 1 || o.partitions > 1 || o.devices_listed > 1) {
        return make_error(CODE_UNIMPLEMENTED, "the test plugin runs single-device programs only (num_replicas %lld, "
                          "num_partitions %lld, %d devices assigned)", (long long)o.replicas, (long long)o.partitions,
                          o.devices_listed);
    }
    int64_t id = o.devices_listed ? o.device : o.ordinal >= 0 ? o.ordinal : 0;
    if (id < 0 || id >= a->client->num_devices) {
        return make_error(CODE_INVALID_ARGUMENT, "the compile options assign device %lld, but the client has devices "
                          "0..%d", (long long)id, a->client->num_devices - 1);
    }
    PJRT_LoadedExecutable* x = calloc(1, sizeof *x);
    x->client = a->client;
    x->device = a->client->devices[id];
    char* text = strndup(prog->code, prog->code_size);
    PJRT_Error* err = parse_signature(text, x);
    if (!err) {
        err = build_graph(x, prog->code, prog->code_size);
    }
    free(text);
    if (err) {
        destroy_program(x);
        return err;
    }
    static atomic_int counter;
    snprintf(x->name, sizeof x->name, "lockstep_module_%d", atomic_fetch_add(&counter, 1));
    pthread_mutex_lock(&a->client->mu);
    a->client->live_executables++;
    pthread_mutex_unlock(&a->client->mu);
    atomic_fetch_add(&stats.live_executables, 1);
    a->executable = x;
    return NULL;
}

PJRT_Error* loaded_destroy(LoadedExecutableDestroyArgs* a) {
    CHECK_ARGS(LoadedExecutableDestroyArgs, a, executable);
    PJRT_LoadedExecutable* x = a->executable;
    if (x) {
        pthread_mutex_lock(&x->client->mu);
        x->client->live_executables--;
        pthread_mutex_unlock(&x->client->mu);
        atomic_fetch_sub(&stats.live_executables, 1);
        destroy_program(x);
    }
    return NULL;
}

PJRT_Error* loaded_get_executable(LoadedExecutableGetExecutableArgs* a) {
    CHECK_ARGS(LoadedExecutableGetExecutableArgs, a, executable);
    PJRT_Executable* e = malloc(sizeof *e);
    e->loaded = a->loaded;
    a->executable = e;
    return NULL;
}

PJRT_Error* executable_destroy(ExecutableDestroyArgs* a) {
    CHECK_ARGS(ExecutableDestroyArgs, a, executable);
    free(a->executable);
    return NULL;
}

PJRT_Error* executable_name(ExecutableNameArgs* a) {
    CHECK_ARGS(ExecutableNameArgs, a, name_size);
    a->name = a->executable->loaded->name;
    a->name_size = strlen(a->name);
    return NULL;
}

PJRT_Error* executable_num_outputs(ExecutableNumOutputsArgs* a) {
    CHECK_ARGS(ExecutableNumOutputsArgs, a, num_outputs);
    a->num_outputs = (size_t)a->executable->loaded->num_outputs;
    return NULL;
}

/* ------------------------------------------------------------ execute */

static void no_free(void* data, size_t len, void* arg) {
    (void)data;
    (void)len;
    (void)arg;
}

static void describe(char* out, size_t n, int type, int rank, const int64_t* dims) {
    int k = snprintf(out, n, "%s[", type_name(type));
    for (int i = 0; i < rank && k < (int)n; i++) {
        k += snprintf(out + k, n - (size_t)k, i ? ",%lld" : "%lld", (long long)dims[i]);
    }
    if (k < (int)n) {
        snprintf(out + k, n - (size_t)k, "]");
    }
}

static int donated(const PJRT_LoadedExecutable* x, const ExecuteOptions* o, int i) {
    if (x->alias[i] < 0) {
        return 0;
    }
    for (size_t k = 0; o && k < o->num_non_donatable_input_indices; k++) {
        if (o->non_donatable_input_indices[k] == i) {
            return 0;
        }
    }
    return 1;
}

static PJRT_Error* check_arguments(const PJRT_LoadedExecutable* x, const ExecuteArgs* a, PJRT_Buffer* const* args) {
    for (int i = 0; i < x->num_inputs; i++) {
        PJRT_Buffer* b = args[i];
        const TensorSig* s = &x->inputs[i];
        if (!b) {
            return make_error(CODE_INVALID_ARGUMENT, "argument %d is null", i);
        }
        if (!b->storage) {
            return make_error(CODE_INVALID_ARGUMENT, "argument %d: the buffer has been deleted or donated", i);
        }
        if (b->device != x->device) {
            return make_error(CODE_INVALID_ARGUMENT, "argument %d is on device %d, the executable on device %d", i,
                              b->device->id, x->device->id);
        }
        if (b->type != s->type || b->rank != s->rank || memcmp(b->dims, s->dims, sizeof(int64_t) * (size_t)s->rank)) {
            char want[128], got[128];
            describe(want, sizeof want, s->type, s->rank, s->dims);
            describe(got, sizeof got, b->type, b->rank, b->dims);
            return make_error(CODE_INVALID_ARGUMENT, "argument %d: the executable takes %s, got %s", i, want, got);
        }
        if (donated(x, a->options, i)) {
            for (int j = 0; j < x->num_inputs; j++) {
                if (j != i && args[j] == b) {
                    return make_error(CODE_INVALID_ARGUMENT, "argument %d is donated but is also argument %d", i, j);
                }
            }
        }
    }
    return NULL;
}

PJRT_Error* loaded_execute(ExecuteArgs* a) {
    CHECK_ARGS(ExecuteArgs, a, execute_device);
    if (a->options) {
        CHECK_ARGS(ExecuteOptions, a->options, incarnation_ids);
    }
    PJRT_LoadedExecutable* x = a->executable;
    if (a->num_devices != 1) {
        return make_error(CODE_UNIMPLEMENTED, "the test plugin executes on one device, got %zu argument lists",
                          a->num_devices);
    }
    if (a->execute_device && a->execute_device != x->device) {
        return make_error(CODE_INVALID_ARGUMENT, "execute_device %d is not the device the executable was compiled "
                          "for (%d)", a->execute_device->id, x->device->id);
    }
    if (a->num_args != (size_t)x->num_inputs) {
        return make_error(CODE_INVALID_ARGUMENT, "the executable takes %d arguments, got %zu", x->num_inputs,
                          a->num_args);
    }
    PJRT_Buffer* const* args = a->argument_lists[0];
    PJRT_Error* err = check_arguments(x, a, args);
    if (err) {
        return err;
    }
    TF_Tensor** in = calloc((size_t)x->num_inputs + 1, sizeof *in);
    TF_Tensor** out = calloc((size_t)x->num_outputs + 1, sizeof *out);
    for (int i = 0; i < x->num_inputs && !err; i++) {
        event_wait(args[i]->ready);
        if (args[i]->ready->code != CODE_OK) {
            err = make_error(args[i]->ready->code, "argument %d was never transferred: %s", i, args[i]->ready->message);
            break;
        }
        in[i] = TF_NewTensor(tf_type(x->inputs[i].type), x->inputs[i].dims, x->inputs[i].rank,
                             args[i]->storage->data, args[i]->bytes, no_free, NULL);
    }
    if (!err) {
        TF_Status* status = TF_NewStatus();
        const TF_Operation* target = x->call;
        TF_SessionRun(x->session, NULL, x->feeds, in, x->num_inputs, x->fetches, out, x->num_outputs,
                      x->num_outputs ? NULL : &target, x->num_outputs ? 0 : 1, NULL, status);
        if (TF_GetCode(status)) {
            err = make_error(TF_GetCode(status), "XLA failed while running %s: %s", x->name, TF_Message(status));
        }
        TF_DeleteStatus(status);
    }
    for (int i = 0; i < x->num_inputs; i++) {
        if (in[i]) {
            TF_DeleteTensor(in[i]);
        }
    }
    if (!err) {
        for (int k = 0; k < x->num_outputs; k++) {
            PJRT_Buffer* b = buffer_new(x->client, x->device, x->outputs[k].type, x->outputs[k].rank,
                                        x->outputs[k].dims, storage_adopt(out[k]));
            event_set(b->ready, CODE_OK, NULL);
            a->output_lists[0][k] = b;
        }
        for (int i = 0; i < x->num_inputs; i++) {
            if (donated(x, a->options, i)) { /* its memory is given up, as XLA's aliasing would */
                storage_release(args[i]->storage);
                args[i]->storage = NULL;
                atomic_fetch_add(&stats.donations, 1);
            }
        }
        if (a->device_complete_events) {
            a->device_complete_events[0] = event_new();
            event_set(a->device_complete_events[0], CODE_OK, NULL);
        }
        atomic_fetch_add(&stats.executions, 1);
    } else {
        for (int k = 0; k < x->num_outputs; k++) {
            if (out[k]) {
                TF_DeleteTensor(out[k]);
            }
        }
    }
    free(in);
    free(out);
    return err;
}
