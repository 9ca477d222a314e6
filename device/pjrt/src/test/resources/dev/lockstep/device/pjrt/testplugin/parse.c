/* What the test plugin reads from the text and options it compiles: the signature of @main (with
 * tf.aliasing_output) and the few CompileOptionsProto fields it honours. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

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
PJRT_Error* parse_signature(const char* text, PJRT_LoadedExecutable* x) {
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

int parse_compile_options(const char* bytes, size_t size, BuildOptions* o) {
    Reader r = {(const unsigned char*)bytes, (const unsigned char*)bytes + size};
    return each_field(r, visit_compile_options, o);
}
