/* Compiling StableHLO text into a TensorFlow graph of one XlaCallModule op, and running it. */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin.h"

/* ------------------------------------------------------------ the signature of @main */

static const char* skip_space(const char* p) {
    while (*p && isspace((unsigned char)*p)) {
        p++;
    }
    return p;
}

static int element_type(const char* s, size_t n) {
    struct { const char* name; int type; } types[] = {
        {"f32", TYPE_F32}, {"f64", TYPE_F64}, {"bf16", TYPE_BF16}, {"f16", TYPE_F16}, {"i32", TYPE_S32},
        {"i64", TYPE_S64}, {"i1", TYPE_PRED}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strlen(types[i].name) == n && !strncmp(types[i].name, s, n)) {
            return types[i].type;
        }
    }
    return TYPE_INVALID;
}

/* Parses "tensor<2x3xf32>" at p; returns the position after it, or null. */
static const char* parse_tensor(const char* p, TensorSig* sig) {
    p = skip_space(p);
    if (strncmp(p, "tensor<", 7)) {
        return NULL;
    }
    p += 7;
    sig->rank = 0;
    for (;;) {
        if (isdigit((unsigned char)*p)) {
            char* end;
            long long d = strtoll(p, &end, 10);
            if (*end != 'x' || sig->rank == 16) {
                return NULL;
            }
            sig->dims[sig->rank++] = d;
            p = end + 1;
            continue;
        }
        const char* end = strchr(p, '>');
        if (!end) {
            return NULL;
        }
        sig->type = element_type(p, (size_t)(end - p));
        return sig->type == TYPE_INVALID ? NULL : end + 1;
    }
}

/* Skips an attribute dictionary "{...}" at p, reporting tf.aliasing_output through *alias. */
static const char* parse_attributes(const char* p, int* alias) {
    p = skip_space(p);
    if (*p != '{') {
        return p;
    }
    const char* end = strchr(p, '}');
    if (!end) {
        return NULL;
    }
    const char* a = strstr(p, "tf.aliasing_output");
    if (a && a < end) {
        a = strchr(a, '=');
        if (a && a < end) {
            *alias = atoi(a + 1);
        }
    }
    return end + 1;
}

static int count_list(const char* p) {
    int n = 0;
    for (const char* q = strstr(p, "tensor<"); q; q = strstr(q + 1, "tensor<")) {
        n++;
    }
    return n;
}

/* Reads "func.func public @main(%a: T {attrs}, ...) -> (T, ...)" from the module text. */
static PJRT_Error* parse_signature(const char* text, PJRT_LoadedExecutable* x) {
    const char* p = strstr(text, "@main(");
    if (!p) {
        return make_error(CODE_INVALID_ARGUMENT, "the module has no function @main");
    }
    const char* line_end = strchr(p, '\n');
    size_t len = line_end ? (size_t)(line_end - p) : strlen(p);
    char* line = strndup(p, len);
    int capacity = count_list(line) + 1;
    x->inputs = calloc((size_t)capacity, sizeof(TensorSig));
    x->outputs = calloc((size_t)capacity, sizeof(TensorSig));
    x->alias = calloc((size_t)capacity, sizeof(int));
    const char* q = skip_space(line + 6);
    PJRT_Error* bad = NULL;
    while (*q != ')') {
        const char* colon = strchr(q, ':');
        if (*q != '%' || !colon) {
            bad = make_error(CODE_INVALID_ARGUMENT, "cannot read argument %d of @main: %s", x->num_inputs, line);
            break;
        }
        x->alias[x->num_inputs] = -1;
        q = parse_tensor(colon + 1, &x->inputs[x->num_inputs]);
        q = q ? parse_attributes(q, &x->alias[x->num_inputs]) : NULL;
        if (!q) {
            bad = make_error(CODE_INVALID_ARGUMENT, "cannot read the type of argument %d of @main (the test "
                             "plugin takes ranked tensors of f32, f64, bf16, f16, i32, i64 and i1): %s", x->num_inputs,
                             line);
            break;
        }
        x->num_inputs++;
        q = skip_space(q);
        if (*q == ',') {
            q = skip_space(q + 1);
        }
    }
    if (!bad) {
        q = strstr(q, "->");
        q = q ? skip_space(q + 2) : NULL;
        int list = q && *q == '(';
        if (list) {
            q++;
        }
        while (q && (list ? *skip_space(q) != ')' : x->num_outputs == 0)) {
            int ignored = -1;
            q = parse_tensor(q, &x->outputs[x->num_outputs]);
            q = q ? parse_attributes(q, &ignored) : NULL;
            if (q) {
                x->num_outputs++;
                q = skip_space(q);
                if (*q == ',') {
                    q++;
                }
            }
        }
        if (!q) {
            bad = make_error(CODE_INVALID_ARGUMENT, "cannot read the results of @main: %s", line);
        }
    }
    for (int i = 0; !bad && i < x->num_inputs; i++) {
        int k = x->alias[i];
        if (k >= x->num_outputs || (k >= 0 && (x->inputs[i].type != x->outputs[k].type
                || x->inputs[i].rank != x->outputs[k].rank
                || memcmp(x->inputs[i].dims, x->outputs[k].dims, sizeof(int64_t) * (size_t)x->inputs[i].rank)))) {
            bad = make_error(CODE_INVALID_ARGUMENT, "argument %d is aliased to output %d, which does not have its "
                             "type", i, k);
        }
    }
    free(line);
    return bad;
}

/* ------------------------------------------------------------ CompileOptionsProto, the fields we read */

typedef struct { const unsigned char* p; const unsigned char* end; } Reader;

static int read_varint(Reader* r, uint64_t* v) {
    *v = 0;
    for (int shift = 0; r->p < r->end && shift < 64; shift += 7) {
        unsigned char b = *r->p++;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            return 1;
        }
    }
    return 0;
}

/* Calls visit for every field of the message; returns 0 on malformed input. */
static int each_field(Reader r, int (*visit)(void* ctx, int field, uint64_t value, Reader sub), void* ctx) {
    while (r.p < r.end) {
        uint64_t key, v = 0;
        if (!read_varint(&r, &key)) {
            return 0;
        }
        Reader sub = {0};
        switch (key & 7) {
            case 0: if (!read_varint(&r, &v)) return 0; break;
            case 1: if (r.end - r.p < 8) return 0; r.p += 8; break;
            case 5: if (r.end - r.p < 4) return 0; r.p += 4; break;
            case 2:
                if (!read_varint(&r, &v) || (uint64_t)(r.end - r.p) < v) return 0;
                sub.p = r.p;
                sub.end = r.p + v;
                r.p += v;
                break;
            default: return 0;
        }
        if (!visit(ctx, (int)(key >> 3), v, sub)) {
            return 0;
        }
    }
    return 1;
}

typedef struct { int64_t replicas, partitions, ordinal, device; int devices_listed; } BuildOptions;

static int visit_computation_device(void* ctx, int field, uint64_t v, Reader sub) {
    BuildOptions* o = ctx;
    if (field == 1) {
        if (sub.p) { /* packed */
            while (sub.p < sub.end) {
                if (!read_varint(&sub, &v)) return 0;
                o->device = (int64_t)v;
                o->devices_listed++;
            }
        } else {
            o->device = (int64_t)v;
            o->devices_listed++;
        }
    }
    return 1;
}

static int visit_assignment(void* ctx, int field, uint64_t v, Reader sub) {
    (void)v;
    return field == 3 && sub.p ? each_field(sub, visit_computation_device, ctx) : 1;
}

static int visit_build_options(void* ctx, int field, uint64_t v, Reader sub) {
    BuildOptions* o = ctx;
    switch (field) {
        case 1: o->ordinal = (int64_t)v; return 1;
        case 4: o->replicas = (int64_t)v; return 1;
        case 5: o->partitions = (int64_t)v; return 1;
        case 9: return sub.p ? each_field(sub, visit_assignment, ctx) : 0;
        default: return 1;
    }
}

static int visit_compile_options(void* ctx, int field, uint64_t v, Reader sub) {
    (void)v;
    return field == 3 && sub.p ? each_field(sub, visit_build_options, ctx) : 1;
}

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
    Reader r = {(const unsigned char*)a->compile_options, (const unsigned char*)a->compile_options + a->compile_options_size};
    if (!each_field(r, visit_compile_options, &o)) {
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
